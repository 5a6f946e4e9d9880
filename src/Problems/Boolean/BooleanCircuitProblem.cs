using System.Text;
using GsdmCore.Diffusion;

namespace GsdmCore.Problems;

/// <summary>
/// Inferring the output of a fixed Boolean circuit (<see cref="BooleanCircuit"/>) of depth d from its 2^d observed
/// binary inputs x. With intermediates every gate value is a binary node (arrays h1 .. h(d-1), then the output y)
/// joined to its two inputs: 2^(d+1) - 1 nodes. Without intermediates only x and y exist, each input joined to y:
/// 2^d + 1 nodes. Exchangeable embeddings: one per layer plus one for the output, as in the reference.
/// </summary>
public sealed class BooleanCircuitProblem : Problem
{
    /// <summary>The circuit.</summary>
    public BooleanCircuit Circuit { get; }

    /// <summary>Whether the hidden gate values are modelled.</summary>
    public bool Intermediates { get; }

    /// <summary>The inputs x[i] (observed).</summary>
    public VariableArray X { get; }

    /// <summary>The hidden gate layers h1 .. h(d-1) (empty without intermediates).</summary>
    public IReadOnlyList<VariableArray> Hidden { get; }

    /// <summary>The output y (a single binary node).</summary>
    public VariableArray Y { get; }

    /// <inheritdoc />
    public override string Name => $"boolean-d{Circuit.Depth}{(Intermediates ? "" : "-noint")}";

    /// <summary>A depth-<paramref name="depth"/> circuit with gate types from <paramref name="gateSeed"/>.</summary>
    public BooleanCircuitProblem(int depth = 4, bool intermediates = true, ulong gateSeed = 1)
        : this(new BooleanCircuit(depth, gateSeed), intermediates)
    {
    }

    /// <summary>The problem of a given circuit.</summary>
    public BooleanCircuitProblem(BooleanCircuit circuit, bool intermediates) : base(BuildModel(circuit.Depth, intermediates))
    {
        Circuit = circuit;
        Intermediates = intermediates;
        X = Model.Array("x");
        Y = Model.Array("y");
        Hidden = intermediates ? Enumerable.Range(1, circuit.Depth - 1).Select(l => Model.Array($"h{l}")).ToArray() : [];
    }

    /// <summary>The graphical model of a depth-<paramref name="depth"/> circuit, with or without the hidden gates.</summary>
    public static GraphicalModel BuildModel(int depth, bool intermediates)
    {
        if (depth < 1 || depth > 20) throw new ArgumentOutOfRangeException(nameof(depth), $"a circuit needs depth 1..20, got {depth}.");
        var m = new GraphicalModelBuilder($"boolean-d{depth}{(intermediates ? "" : "-noint")}");
        var x = m.Categorical("x", 2, ("i", 1 << depth)).Observed();
        if (!intermediates)
        {
            var y0 = m.Categorical("y", 2);
            m.ConnectAll(x.Nodes, y0.Nodes);
            return m.Build();
        }
        var previous = x;
        for (int l = 1; l < depth; l++)
        {
            var below = previous;
            var layer = m.Categorical($"h{l}", 2, ("g", 1 << (depth - l))).Intermediate();
            m.ConnectParents(layer, g => [below[2 * g[0]], below[2 * g[0] + 1]]);
            previous = layer;
        }
        var y = m.Categorical("y", 2);
        m.ConnectParents(y, _ => [previous[0], previous[1]]);
        return m.Build();
    }

    /// <inheritdoc />
    protected override void Generate(Span<float> row, ProblemRandom rng)
    {
        var inputs = new bool[Circuit.InputCount];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = rng.NextInt(2) == 1;
        var layers = Circuit.Evaluate(inputs);
        var xSlice = Graph.Slice(X);
        for (int i = 0; i < inputs.Length; i++) Layout.WriteClass(row, xSlice.NodeId(i), inputs[i] ? 1 : 0);
        for (int l = 0; l < Hidden.Count; l++)
        {
            var slice = Graph.Slice(Hidden[l]);
            for (int g = 0; g < layers[l].Length; g++) Layout.WriteClass(row, slice.NodeId(g), layers[l][g] ? 1 : 0);
        }
        Layout.WriteClass(row, Graph.Slice(Y).NodeId(0), layers[^1][0] ? 1 : 0);
    }

    /// <summary>The input bits of a flat row (argmax per node).</summary>
    public bool[] Inputs(ReadOnlySpan<float> row)
    {
        var slice = Graph.Slice(X);
        var inputs = new bool[Circuit.InputCount];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = Layout.ReadClass(row, slice.NodeId(i)) == 1;
        return inputs;
    }

    /// <summary>The modelled gate values of a flat row: hidden layers then the output (just the output without intermediates).</summary>
    public bool[][] Gates(ReadOnlySpan<float> row)
    {
        var layers = new List<bool[]>();
        foreach (var array in Hidden.Append(Y))
        {
            var slice = Graph.Slice(array);
            var values = new bool[slice.NodeCount];
            for (int g = 0; g < values.Length; g++) values[g] = Layout.ReadClass(row, slice.NodeId(g)) == 1;
            layers.Add(values);
        }
        return layers.ToArray();
    }

    /// <summary>
    /// output_accuracy, balanced_output_accuracy (each datum weighted by 1 / (2 × the batch share of its target), as
    /// in the reference) and, with intermediates, gate_accuracy (all gates incl. the output) and all_gates_correct.
    /// The truth is the circuit run on the conditioning inputs.
    /// </summary>
    protected override MetricReport Evaluate(ReadOnlySpan<float> samples, int batch, ProblemBatch conditioning)
    {
        int width = Layout.Width;
        var targets = new bool[batch];
        var truths = new bool[batch][][];
        for (int b = 0; b < batch; b++)
        {
            truths[b] = Circuit.Evaluate(Inputs(conditioning.Row(b)));
            targets[b] = truths[b][^1][0];
        }
        double correct = 0, balanced = 0, gateHits = 0, gateTotal = 0, allGates = 0;
        for (int b = 0; b < batch; b++)
        {
            var gates = Gates(samples.Slice(b * width, width));
            bool hit = gates[^1][0] == targets[b];
            double share = targets.Count(t => t == targets[b]) / (double)batch;
            if (hit)
            {
                correct++;
                balanced += 1.0 / (2 * share);
            }
            if (!Intermediates) continue;
            bool all = true;
            for (int l = 0; l < gates.Length; l++)
                for (int g = 0; g < gates[l].Length; g++)
                {
                    gateTotal++;
                    if (gates[l][g] == truths[b][l][g]) gateHits++;
                    else all = false;
                }
            if (all) allGates++;
        }
        var report = new MetricReport()
            .Add("output_accuracy", correct / batch)
            .Add("balanced_output_accuracy", balanced / batch);
        if (Intermediates)
            report.Add("gate_accuracy", gateHits / gateTotal).Add("all_gates_correct", allGates / batch);
        return report;
    }

    /// <inheritdoc />
    protected override string RenderRow(ReadOnlySpan<float> row)
    {
        var sb = new StringBuilder();
        sb.AppendLine("x  : " + Bits(Inputs(row)));
        var gates = Gates(row);
        int first = Intermediates ? 1 : Circuit.Depth;
        for (int k = 0; k < gates.Length; k++)
        {
            int layer = first + k;
            string types = string.Join(" ", Circuit.Layer(layer).Select(g => g == GateKind.And ? "&" : "|"));
            sb.AppendLine($"{(layer == Circuit.Depth ? "y " : $"h{layer}")} : {Bits(gates[k])}   ({types})");
        }
        return sb.ToString().TrimEnd();
    }

    private static string Bits(IEnumerable<bool> bits) => string.Join(" ", bits.Select(b => b ? "1" : "0"));
}
