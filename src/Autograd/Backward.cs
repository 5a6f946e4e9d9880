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
                var inputGrads = AccumulatingBackward(t.Node, g, grads) ?? GradRules.Backward(t.Node, g);
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

    /// <summary>
    /// The node's gradients from an <see cref="IAccumulatingGrad"/> rule that folds in the gradient already pending for its
    /// input (which then leaves the pending set: the rule's gradient for that input holds both), or null when the node's
    /// rule is not one, nothing is pending, or the rule cannot take what is.
    /// </summary>
    private static Tensor?[]? AccumulatingBackward(GradNode node, Tensor g, PendingGradients grads)
    {
        if (node.Kind != OpKind.Custom || node.Attr is not IAccumulatingGrad rule) return null;
        var input = node.Inputs[rule.AccumulatingInput];
        if (!input.RequiresGrad || !grads.TryPeek(input, out var pending) || !rule.CanAccumulate(node, pending)) return null;
        grads.Take(input, out pending, out _);
        return rule.Backward(node, g, pending);
    }

    /// <summary>Fails loudly when a rule returned a gradient whose shape is not its input's.</summary>
    public static void CheckShape(GradNode node, int index, Tensor gradient, Tensor input)
    {
        if (!gradient.Layout.Shape.AsSpan().SequenceEqual(input.Layout.Shape))
            throw new InvalidOperationException($"backward of {node}: gradient shape [{string.Join(", ", gradient.Shape)}] for input {index} differs from its shape [{string.Join(", ", input.Shape)}] (a gradient rule is wrong).");
    }

    /// <summary>
    /// The tensors that <paramref name="root"/> depends on, every one after all the tensors it was used to compute (the
    /// walk runs it backwards). A node's inputs are explored in argument order, so a later argument comes later in the
    /// list and is passed through earlier: the residual a fused op takes after its main input (<c>MatmulAdd(h, W, x)</c>
    /// for <c>x + linear(h)</c>) hands its gradient down to x before the branch through h reaches x, and the branch's
    /// last rule can then fold it in (<see cref="IAccumulatingGrad"/>) instead of the walk adding the two.
    /// </summary>
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
            var inputs = t.Node.Inputs;
            for (int k = inputs.Length - 1; k >= 0; k--)
                if (inputs[k].RequiresGrad && !visited.Contains(inputs[k])) stack.Push((inputs[k], false));
        }
        return order;
    }
}
