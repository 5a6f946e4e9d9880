namespace GsdmCore.Autograd;

/// <summary>
/// The gradients a backward walk has received for tensors it has not yet passed down, summed as they arrive from
/// each consumer. A sum is formed in place when the walk owns the memory of one of its terms: a gradient that a rule
/// has just allocated (and returned for one input only), or a sum the walk made itself. A rule's gradient that views
/// memory allocated before the rule ran (its upstream gradient, say, which the add rule passes on as is) may be seen
/// elsewhere and is never written to. <see cref="BackwardExtensions.Backward"/> drives it; it is public for tools
/// that re-run the walk, such as profilers.
/// </summary>
public sealed class PendingGradients
{
    private readonly Dictionary<Tensor, Tensor> _grads = new(ReferenceEqualityComparer.Instance);
    // The pending gradients whose memory only this walk can see.
    private readonly HashSet<Tensor> _owned = new(ReferenceEqualityComparer.Instance);

    /// <summary>Sets the gradient of the walk's output.</summary>
    public void Seed(Tensor output, Tensor seed) => _grads[output] = seed;

    /// <summary>
    /// Removes and returns the summed gradient of <paramref name="tensor"/>, if any arrived; <paramref name="owned"/>
    /// tells whether the walk owned its memory (which, from now on, it does not).
    /// </summary>
    public bool Take(Tensor tensor, out Tensor gradient, out bool owned)
    {
        if (!_grads.Remove(tensor, out gradient!))
        {
            owned = false;
            return false;
        }
        owned = _owned.Remove(gradient);
        return true;
    }

    /// <summary>The current allocation mark: read it just before a rule runs and pass it to <see cref="Add"/>.</summary>
    public static long Mark() => Tensor.LastSerial;

    /// <summary>
    /// Adds gradient <paramref name="index"/> of <paramref name="ruleGradients"/> (the result of one rule, run after
    /// <paramref name="mark"/> was read) to the pending gradient of <paramref name="input"/>.
    /// </summary>
    public void Add(Tensor input, Tensor?[] ruleGradients, int index, long mark)
    {
        var gradient = ruleGradients[index]!;
        bool fresh = IsFresh(ruleGradients, index, mark);
        if (!_grads.TryGetValue(input, out var pending))
        {
            _grads[input] = gradient;
            if (fresh) _owned.Add(gradient);
            return;
        }
        if (_owned.Contains(pending))
        {
            pending.AddInPlace(gradient);
            return;
        }
        // Addition commutes bit for bit, so summing into the fresh term gives what pending + gradient would.
        if (fresh)
        {
            gradient.AddInPlace(pending);
            _grads[input] = gradient;
        }
        else
        {
            _grads[input] = gradient = pending + gradient;
        }
        _owned.Add(gradient);
    }

    /// <summary>Adds <paramref name="gradient"/> to a leaf's <see cref="Tensor.Grad"/>, adopting it when the walk owned it.</summary>
    public static void AddToLeaf(Tensor leaf, Tensor gradient, bool owned)
    {
        if (leaf.Grad != null) leaf.Grad += gradient;
        else leaf.Grad = owned ? gradient : gradient.Clone();
    }

    /// <summary>Forgets every pending gradient.</summary>
    public void Clear()
    {
        _grads.Clear();
        _owned.Clear();
    }

    /// <summary>
    /// Whether the walk may write to gradient <paramref name="index"/>: it views memory allocated after
    /// <paramref name="mark"/>, all of it from the start, and no other gradient of the same rule views that memory.
    /// </summary>
    private static bool IsFresh(Tensor?[] ruleGradients, int index, long mark)
    {
        var gradient = ruleGradients[index]!;
        if (gradient.Serial <= mark || !gradient.IsContiguous || gradient.Layout.Offset != 0) return false;
        for (int k = 0; k < ruleGradients.Length; k++)
            if (k != index && ruleGradients[k] is { } other && ReferenceEquals(other.Buffer, gradient.Buffer)) return false;
        return true;
    }
}
