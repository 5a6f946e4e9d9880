using GsdmCore.Backends;

namespace GsdmCore.Nn;

/// <summary>
/// Dense attention restricted by a boolean mask [N, N] (mask[i, j] true = query i may attend to key j): masked
/// logits become -inf before the softmax. A row with no allowed key yields zeros (never NaN) and no gradient.
/// Composed from tensor ops; the reference implementation the fused <see cref="SparseAttention"/> is tested against.
/// </summary>
public sealed class MaskedDenseAttention : IAttentionKernel
{
    private readonly bool[,] _mask;
    private readonly Dictionary<DType, (Tensor Allowed, Tensor RowAny, Tensor Fill)> _constants = [];

    /// <summary>The logit scale, or null for 1/sqrt(head dim).</summary>
    public double? Scale { get; }
    /// <summary>Number of nodes the mask covers.</summary>
    public int Nodes { get; }

    /// <summary>Creates the kernel from a square mask.</summary>
    public MaskedDenseAttention(bool[,] mask, double? scale = null)
    {
        if (mask.GetLength(0) != mask.GetLength(1))
            throw new ArgumentException($"the mask must be square, got {mask.GetLength(0)} x {mask.GetLength(1)}.", nameof(mask));
        _mask = (bool[,])mask.Clone();
        Nodes = mask.GetLength(0);
        Scale = scale;
    }

    /// <summary>Creates the kernel from the edges of <paramref name="graph"/>.</summary>
    public MaskedDenseAttention(SparseGraph graph, double? scale = null) : this(graph.ToDenseMask(), scale) { }

    private (Tensor Allowed, Tensor RowAny, Tensor Fill) Constants(DType dtype)
    {
        lock (_constants)
        {
            if (_constants.TryGetValue(dtype, out var c)) return c;
            int n = Nodes;
            var allowed = new double[n * n];
            var any = new double[n];
            var fill = new double[n];
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                    if (_mask[i, j]) { allowed[i * n + j] = 1; any[i] = 1; }
                fill[i] = any[i] == 1 ? double.NegativeInfinity : 0;
            }
            // Cached across calls, so never released by the caller's TensorScope.
            using (TensorScope.Suspend())
                c = (Tensor.FromArray(allowed, [n, n]).To(dtype), Tensor.FromArray(any, [n, 1]).To(dtype), Tensor.FromArray(fill, [n, 1]).To(dtype));
            _constants[dtype] = c;
            return c;
        }
    }

    /// <inheritdoc />
    public Tensor Forward(Tensor q, Tensor k, Tensor v)
    {
        var (_, _, _, d) = AttentionChecks.Qkv("masked_attention", q, k, v, Nodes);
        var (allowed, rowAny, fill) = Constants(q.DType);
        var logits = q.Matmul(k.MT) * AttentionChecks.Scale(Scale, d);
        // Empty rows get logits 0 (a finite softmax) and are then zeroed by rowAny.
        var probs = Tensor.Where(allowed, logits, fill).Softmax(-1) * rowAny;
        return probs.Matmul(v);
    }
}
