namespace GsdmCore.Autograd;

/// <summary>
/// The gradients a backward walk has received for tensors it has not yet passed down, summed as they arrive from
/// each consumer. A sum is formed in place when the walk owns the memory of one of its terms: a gradient that a rule
/// has just allocated (and returned for one input only), or a sum the walk made itself. A rule's gradient that views
/// memory allocated before the rule ran (its upstream gradient, say, which the add rule passes on as is) may be seen
/// elsewhere and is never written to, unless that upstream gradient's memory was the walk's alone: then a rule that
/// passes on one contiguous view of it (a transpose's rule turning a weight gradient made as a transposed view back
/// into the weight's layout) hands on that memory, and a leaf adopts it instead of copying it. <see cref="BackwardExtensions.Backward"/> drives it; it is public for tools
/// that re-run the walk, such as profilers.
/// </summary>
public sealed class PendingGradients
{
    private readonly Dictionary<Tensor, Tensor> _grads = new(ReferenceEqualityComparer.Instance);
    // The pending gradients whose memory only this walk can see.
    private readonly HashSet<Tensor> _owned = new(ReferenceEqualityComparer.Instance);
    // Pending gradients whose memory only this walk can see but which view it in another layout (a transposed view of
    // a product): not summed into in place, but a contiguous view of one, made by the next rule, is owned.
    private readonly HashSet<Tensor> _exclusive = new(ReferenceEqualityComparer.Instance);

    /// <summary>Sets the gradient of the walk's output.</summary>
    public void Seed(Tensor output, Tensor seed) => _grads[output] = seed;

    /// <summary>
    /// Removes and returns the summed gradient of <paramref name="tensor"/>, if any arrived; <paramref name="owned"/>
    /// tells whether the walk owned its memory (which, from now on, it does not).
    /// </summary>
    public bool Take(Tensor tensor, out Tensor gradient, out bool owned) => Take(tensor, out gradient, out owned, out _);

    /// <summary>
    /// <see cref="Take(Tensor, out Tensor, out bool)"/>, and whether only the walk could see the gradient's memory at
    /// all (<paramref name="exclusive"/>, true whenever it was owned). Pass an exclusive gradient to
    /// <see cref="Add(Tensor, Tensor?[], int, long, Tensor?)"/> as the upstream of the rule that consumes it.
    /// </summary>
    public bool Take(Tensor tensor, out Tensor gradient, out bool owned, out bool exclusive)
    {
        if (!_grads.Remove(tensor, out gradient!))
        {
            owned = exclusive = false;
            return false;
        }
        owned = _owned.Remove(gradient);
        exclusive = _exclusive.Remove(gradient) || owned;
        return true;
    }

    /// <summary>The summed gradient of <paramref name="tensor"/> so far, if any arrived, left in place.</summary>
    public bool TryPeek(Tensor tensor, out Tensor gradient) => _grads.TryGetValue(tensor, out gradient!);

    /// <summary>The current allocation mark: read it just before a rule runs and pass it to <see cref="Add(Tensor, Tensor?[], int, long, Tensor?)"/>.</summary>
    public static long Mark() => Tensor.LastSerial;

    /// <summary>
    /// Adds gradient <paramref name="index"/> of <paramref name="ruleGradients"/> (the result of one rule, run after
    /// <paramref name="mark"/> was read) to the pending gradient of <paramref name="input"/>.
    /// </summary>
    public void Add(Tensor input, Tensor?[] ruleGradients, int index, long mark) => Add(input, ruleGradients, index, mark, null);

    /// <summary>
    /// <see cref="Add(Tensor, Tensor?[], int, long)"/> for a rule that consumed <paramref name="exclusiveUpstream"/>, a
    /// gradient whose memory only the walk could see (see <see cref="Take(Tensor, out Tensor, out bool, out bool)"/>),
    /// or null: the rule's gradients that view that memory count as new.
    /// </summary>
    public void Add(Tensor input, Tensor?[] ruleGradients, int index, long mark, Tensor? exclusiveUpstream)
    {
        var gradient = ruleGradients[index]!;
        bool exclusive = IsExclusive(ruleGradients, index, mark, exclusiveUpstream);
        bool fresh = exclusive && gradient.IsContiguous && gradient.Layout.Offset == 0;
        if (!_grads.TryGetValue(input, out var pending))
        {
            _grads[input] = gradient;
            if (fresh) _owned.Add(gradient);
            else if (exclusive) _exclusive.Add(gradient);
            return;
        }
        _exclusive.Remove(pending);
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
        _exclusive.Clear();
    }

    /// <summary>
    /// Whether only the walk can see the memory of gradient <paramref name="index"/>: it views memory allocated after
    /// <paramref name="mark"/> or the memory of the rule's exclusive upstream gradient, and no other gradient of the
    /// same rule views that memory. The walk may write to it when it also views that memory contiguously from the start.
    /// </summary>
    private static bool IsExclusive(Tensor?[] ruleGradients, int index, long mark, Tensor? exclusiveUpstream)
    {
        var gradient = ruleGradients[index]!;
        bool newMemory = gradient.Serial > mark || (exclusiveUpstream != null && ReferenceEquals(gradient.Buffer, exclusiveUpstream.Buffer));
        if (!newMemory) return false;
        for (int k = 0; k < ruleGradients.Length; k++)
            if (k != index && ruleGradients[k] is { } other && ReferenceEquals(other.Buffer, gradient.Buffer)) return false;
        return true;
    }
}
