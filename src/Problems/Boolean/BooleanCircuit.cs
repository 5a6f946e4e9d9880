namespace GsdmCore.Problems;

/// <summary>A two-input gate type.</summary>
public enum GateKind
{
    /// <summary>a AND b.</summary>
    And,
    /// <summary>a OR b.</summary>
    Or,
}

/// <summary>
/// A balanced binary tree of 2-input gates over 2^depth inputs: gate layer l (1 .. depth) has 2^(depth-l) gates,
/// gate g reading values 2g and 2g+1 of layer l-1 (layer 0 = the inputs); layer depth is the single output. Gate
/// types are drawn from a seed, then, as in the reference, a gate of layer ≥ 2 whose output is 1 more than 80% of
/// the time on 1000 random inputs becomes AND if it was OR, and one below 20% becomes OR if it was AND.
/// </summary>
public sealed class BooleanCircuit
{
    private readonly GateKind[][] _gates;

    /// <summary>Number of gate layers; 2^Depth inputs.</summary>
    public int Depth { get; }

    /// <summary>Number of inputs (2^Depth).</summary>
    public int InputCount => 1 << Depth;

    /// <summary>The gate types of layer <paramref name="layer"/> (1 .. Depth).</summary>
    public IReadOnlyList<GateKind> Layer(int layer) => _gates[layer - 1];

    /// <summary>A circuit of <paramref name="depth"/> layers with gate types drawn from <paramref name="gateSeed"/>.</summary>
    public BooleanCircuit(int depth, ulong gateSeed = 1)
    {
        if (depth < 1 || depth > 20) throw new ArgumentOutOfRangeException(nameof(depth), $"a circuit needs depth 1..20, got {depth}.");
        Depth = depth;
        var rng = new ProblemRandom(gateSeed);
        _gates = new GateKind[depth][];
        for (int l = 1; l <= depth; l++)
        {
            _gates[l - 1] = new GateKind[1 << (depth - l)];
            for (int g = 0; g < _gates[l - 1].Length; g++) _gates[l - 1][g] = rng.NextInt(2) == 0 ? GateKind.Or : GateKind.And;
        }
        Rebalance(gateSeed);
    }

    /// <summary>A circuit with the given gate types per layer (layer 1 first; layer l must have 2^(depth-l) gates).</summary>
    public BooleanCircuit(GateKind[][] layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        Depth = layers.Length;
        if (Depth < 1) throw new ArgumentException("a circuit needs at least one gate layer.", nameof(layers));
        for (int l = 1; l <= Depth; l++)
            if (layers[l - 1].Length != 1 << (Depth - l))
                throw new ArgumentException($"layer {l} of a depth-{Depth} circuit needs {1 << (Depth - l)} gates, got {layers[l - 1].Length}.", nameof(layers));
        _gates = layers.Select(l => l.ToArray()).ToArray();
    }

    private void Rebalance(ulong seed)
    {
        const int samples = 1000;
        for (int l = 2; l <= Depth; l++)
        {
            var ones = new int[_gates[l - 1].Length];
            var rng = new ProblemRandom(seed, (ulong)l);
            var inputs = new bool[InputCount];
            for (int s = 0; s < samples; s++)
            {
                for (int i = 0; i < inputs.Length; i++) inputs[i] = rng.NextInt(2) == 1;
                var layer = Evaluate(inputs)[l - 1];
                for (int g = 0; g < ones.Length; g++) if (layer[g]) ones[g]++;
            }
            for (int g = 0; g < ones.Length; g++)
            {
                if (ones[g] > 0.8 * samples && _gates[l - 1][g] == GateKind.Or) _gates[l - 1][g] = GateKind.And;
                else if (ones[g] < 0.2 * samples && _gates[l - 1][g] == GateKind.And) _gates[l - 1][g] = GateKind.Or;
            }
        }
    }

    /// <summary>The values of every gate layer (layer 1 first; the last holds the single output).</summary>
    public bool[][] Evaluate(ReadOnlySpan<bool> inputs)
    {
        if (inputs.Length != InputCount) throw new ArgumentException($"the circuit has {InputCount} inputs, got {inputs.Length}.", nameof(inputs));
        var layers = new bool[Depth][];
        ReadOnlySpan<bool> previous = inputs;
        for (int l = 1; l <= Depth; l++)
        {
            var gates = _gates[l - 1];
            var values = new bool[gates.Length];
            for (int g = 0; g < gates.Length; g++)
                values[g] = gates[g] == GateKind.And ? previous[2 * g] && previous[2 * g + 1] : previous[2 * g] || previous[2 * g + 1];
            layers[l - 1] = values;
            previous = values;
        }
        return layers;
    }
}
