using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GsdmCore.Compare;

using Tensor = TorchSharp.torch.Tensor;

/// <summary>
/// The TorchSharp network's parameters, by the same names GsdmCore's modules give them
/// (<c>blocks.3.attn.q.weight</c>, ...), so that counts can be compared and weights copied across.
/// </summary>
internal sealed class TorchParameters
{
    private readonly Dictionary<string, Parameter> _byName = new(StringComparer.Ordinal);
    private readonly List<Parameter> _ordered = [];

    public Parameter this[string name] => _byName.TryGetValue(name, out var p) ? p : throw new KeyNotFoundException($"no torch parameter '{name}'.");
    public IReadOnlyList<Parameter> All => _ordered;
    public long Count => _ordered.Sum(p => p.numel());
    public IEnumerable<string> Names => _byName.Keys;

    /// <summary>A Linear(in -> out) as PyTorch initialises it (kaiming-uniform a=sqrt(5) weight, uniform bias).</summary>
    public void Linear(string name, int inFeatures, int outFeatures)
    {
        double bound = 1.0 / Math.Sqrt(inFeatures);
        Add(name + ".weight", (torch.rand(outFeatures, inFeatures) * 2 - 1) * bound);
        Add(name + ".bias", (torch.rand(outFeatures) * 2 - 1) * bound);
    }

    /// <summary>GroupNorm affine parameters, set explicitly to 1 / 0 (TorchSharp 0.107's nn.GroupNorm leaves them uninitialised).</summary>
    public void Norm(string name, int channels)
    {
        Add(name + ".weight", torch.ones(channels));
        Add(name + ".bias", torch.zeros(channels));
    }

    public void Add(string name, Tensor value)
    {
        var p = new Parameter(value.detach().contiguous(), requires_grad: true);
        _byName.Add(name, p);
        _ordered.Add(p);
    }

    /// <summary>Copies every GsdmCore parameter into the torch parameter of the same name; throws on a name or shape mismatch.</summary>
    public void CopyFrom(IEnumerable<(string Name, GsdmCore.Tensor Parameter)> source)
    {
        var seen = new HashSet<string>();
        using var noGrad = torch.no_grad();
        foreach (var (name, value) in source)
        {
            var target = this[name];
            var shape = value.Shape.Select(s => (long)s).ToArray();
            if (!shape.SequenceEqual(target.shape))
                throw new InvalidOperationException($"parameter '{name}': GsdmCore [{string.Join(",", shape)}] vs torch [{string.Join(",", target.shape)}].");
            using var data = torch.tensor(value.ToArray<float>(), shape);
            target.copy_(data);
            seen.Add(name);
        }
        var missing = _byName.Keys.Where(n => !seen.Contains(n)).ToList();
        if (missing.Count > 0) throw new InvalidOperationException($"torch parameters absent from GsdmCore: {string.Join(", ", missing)}.");
    }
}
