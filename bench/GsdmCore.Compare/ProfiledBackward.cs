using System.Diagnostics;
using GsdmCore.Autograd;

namespace GsdmCore.Compare;

/// <summary>
/// The same reverse pass as GsdmCore's <c>Backward()</c> (topological order, one <see cref="GradRules.Backward"/> per
/// recorded node, accumulation on fan-out, leaf gradients), with each node's rule timed and charged to its op kind
/// (custom rules by their declaring layer: GroupNorm, SparseAttention, ...).
/// </summary>
internal static class ProfiledBackward
{
    public static void Run(Tensor loss, Dictionary<string, double> ms)
    {
        using var noGrad = GradMode.Disable();
        var grads = new PendingGradients();
        grads.Seed(loss, loss.OnesLike());
        var order = TopologicalOrder(loss);
        for (int i = order.Count - 1; i >= 0; i--)
        {
            var t = order[i];
            if (!grads.Take(t, out var g, out bool owned, out bool exclusive)) continue;
            long start = Stopwatch.GetTimestamp();
            if (t.Node == null)
            {
                PendingGradients.AddToLeaf(t, g, owned);
                Charge(ms, "bwd leaf grad", start);
                continue;
            }
            long mark = PendingGradients.Mark();
            var inputGrads = GradRules.Backward(t.Node, g);
            Charge(ms, "bwd " + KindName(t.Node), start);
            start = Stopwatch.GetTimestamp();
            for (int k = 0; k < t.Node.Inputs.Length; k++)
            {
                var input = t.Node.Inputs[k];
                var ig = inputGrads[k];
                if (ig == null || !input.RequiresGrad) continue;
                grads.Add(input, inputGrads, k, mark, exclusive ? g : null);
            }
            Charge(ms, "bwd fan-out accumulate", start);
        }
    }

    private static string KindName(GradNode node) =>
        node.Kind == OpKind.Custom && node.Attr is { } a ? (a.GetType().DeclaringType?.Name ?? a.GetType().Name) : node.Kind.ToString();

    private static void Charge(Dictionary<string, double> ms, string what, long start) =>
        ms[what] = ms.GetValueOrDefault(what) + Stopwatch.GetElapsedTime(start).TotalMilliseconds;

    private static List<Tensor> TopologicalOrder(Tensor root)
    {
        var order = new List<Tensor>();
        var visited = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(Tensor Tensor, bool Expanded)>();
        stack.Push((root, false));
        while (stack.Count > 0)
        {
            var (t, expanded) = stack.Pop();
            if (expanded) { order.Add(t); continue; }
            if (!visited.Add(t)) continue;
            stack.Push((t, true));
            if (t.Node == null) continue;
            foreach (var input in t.Node.Inputs)
                if (input.RequiresGrad && !visited.Contains(input)) stack.Push((input, false));
        }
        return order;
    }
}
