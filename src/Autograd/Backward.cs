namespace GsdmCore.Autograd;

/// <summary>Reverse-mode differentiation over the graph recorded by tensor ops.</summary>
public static class BackwardExtensions
{
    /// <summary>
    /// Propagates d(output)/d(leaf) to every leaf that requires a gradient, adding into its <see cref="Tensor.Grad"/>.
    /// A scalar output needs no seed; otherwise pass <paramref name="seed"/> of the output's shape.
    /// </summary>
    public static void Backward(this Tensor output, Tensor? seed = null)
    {
        if (!output.RequiresGrad)
            throw new AutogradException("backward", "the tensor does not require a gradient: no input had RequiresGrad = true, or it was computed under GradMode.Disable().");
        if (seed == null)
        {
            if (output.Count != 1)
                throw new AutogradException("backward", $"the output has shape [{string.Join(", ", output.Shape)}]; pass a seed gradient of that shape, or reduce it to a scalar first.");
            seed = output.OnesLike();
        }
        else if (!seed.Shape.AsSpan().SequenceEqual(output.Shape))
        {
            throw new AutogradException("backward", $"seed shape [{string.Join(", ", seed.Shape)}] differs from output shape [{string.Join(", ", output.Shape)}].");
        }

        // The walk's collections are reused from call to call on this thread (a nested Backward takes fresh ones).
        var walk = _walk ?? new Walk();
        _walk = null;
        try
        {
            Run(output, seed, walk);
        }
        finally
        {
            walk.Clear();
            _walk = walk;
        }
    }

    [ThreadStatic] private static Walk? _walk;

    /// <summary>The collections of one backward pass, kept between passes so a training step allocates none.</summary>
    private sealed class Walk
    {
        public readonly PendingGradients Grads = new();
        public readonly List<Tensor> Order = [];
        public readonly HashSet<Tensor> Visited = new(ReferenceEqualityComparer.Instance);
        public readonly Stack<(Tensor Tensor, bool Expanded)> Stack = new();

        public void Clear()
        {
            Grads.Clear();
            Order.Clear();
            Visited.Clear();
            Stack.Clear();
        }
    }

    private static void Run(Tensor output, Tensor seed, Walk walk)
    {
        using (GradMode.Disable())
        {
            var grads = walk.Grads;
            grads.Seed(output, seed);
            var order = TopologicalOrder(output, walk);
            for (int i = order.Count - 1; i >= 0; i--)
            {
                var t = order[i];
                if (!grads.Take(t, out var g, out bool owned, out bool exclusive)) continue;
                if (t.Node == null)
                {
                    PendingGradients.AddToLeaf(t, g, owned);
                    continue;
                }
                long mark = PendingGradients.Mark();
                var inputGrads = GradRules.Backward(t.Node, g);
                for (int k = 0; k < t.Node.Inputs.Length; k++)
                {
                    var input = t.Node.Inputs[k];
                    var ig = inputGrads[k];
                    if (ig == null || !input.RequiresGrad) continue;
                    CheckShape(t.Node, k, ig, input);
                    grads.Add(input, inputGrads, k, mark, exclusive ? g : null);
                }
            }
        }
    }

    /// <summary>Fails loudly when a rule returned a gradient whose shape is not its input's.</summary>
    public static void CheckShape(GradNode node, int index, Tensor gradient, Tensor input)
    {
        if (!gradient.Layout.Shape.AsSpan().SequenceEqual(input.Layout.Shape))
            throw new InvalidOperationException($"backward of {node}: gradient shape [{string.Join(", ", gradient.Shape)}] for input {index} differs from its shape [{string.Join(", ", input.Shape)}] (a gradient rule is wrong).");
    }

    private static List<Tensor> TopologicalOrder(Tensor root, Walk walk)
    {
        var (order, visited, stack) = (walk.Order, walk.Visited, walk.Stack);
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
