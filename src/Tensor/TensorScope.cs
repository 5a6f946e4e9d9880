using GsdmCore.Backends;

namespace GsdmCore;

/// <summary>
/// Releases, when disposed, the memory of every tensor created on this thread while it was the innermost
/// scope — the intermediates of a training or sampling step — so the next step reuses it instead of
/// allocating. Tensors that must outlive the scope are handed out with <see cref="Keep"/>.
/// <code>
/// using (var scope = TensorScope.Begin())
/// {
///     var loss = model.Loss(batch);
///     loss.Backward();
///     optimizer.Step();
///     lossValue = loss.Item();
/// }
/// </code>
/// </summary>
public sealed class TensorScope : IDisposable
{
    [ThreadStatic] private static TensorScope? _current;
    [ThreadStatic] private static int _suspended;
    // The list of the last disposed scope, reused by the next one: a loop of steps does not regrow it every step.
    [ThreadStatic] private static List<IBuffer>? _spare;

    private readonly TensorScope? _parent;
    private readonly List<IBuffer> _owned;
    private bool _disposed;

    private TensorScope(TensorScope? parent)
    {
        _parent = parent;
        _owned = _spare ?? new List<IBuffer>();
        _spare = null;
    }

    /// <summary>Opens a scope nested in the current one (if any) on this thread.</summary>
    public static TensorScope Begin()
    {
        var scope = new TensorScope(_current);
        _current = scope;
        return scope;
    }

    /// <summary>The innermost open scope of this thread, or null.</summary>
    public static TensorScope? Current => _suspended > 0 ? null : _current;

    /// <summary>
    /// Lets tensors created until the returned handle is disposed escape every scope (e.g. lazily created state). In a
    /// step being captured (<see cref="CapturedStep"/>) the ops run meanwhile are not recorded: such state is made once.
    /// </summary>
    public static IDisposable Suspend()
    {
        _suspended++;
        return new Resume(CommandRecorder.Pause());
    }

    /// <summary>Hands a new buffer to the innermost scope, or, while a step is captured, to the capture, which keeps it for its replays.</summary>
    internal static void Track(IBuffer buffer)
    {
        if (_suspended > 0) return;
        if (CapturedStep.Owner is { } capture)
        {
            capture.Own(buffer);
            return;
        }
        _current?._owned.Add(buffer);
    }

    /// <summary>Number of buffers this scope will release.</summary>
    public int Count => _disposed ? 0 : _owned.Count;

    /// <summary>
    /// Moves <paramref name="tensor"/>'s memory out of this scope into the enclosing one (or to the garbage
    /// collector when there is none), so it stays valid after this scope ends. Returns the tensor.
    /// </summary>
    public Tensor Keep(Tensor tensor)
    {
        if (_disposed) return tensor; // its list now belongs to a later scope
        int at = _owned.IndexOf(tensor.Buffer);
        if (at >= 0)
        {
            _owned[at] = _owned[^1];
            _owned.RemoveAt(_owned.Count - 1);
            _parent?._owned.Add(tensor.Buffer);
        }
        return tensor;
    }

    /// <summary>
    /// Takes <paramref name="tensor"/>'s memory out of every open scope of this thread, so it lives as long
    /// as the tensor is referenced (model parameters, optimiser state). Returns the tensor.
    /// </summary>
    public static Tensor Persist(Tensor tensor)
    {
        CapturedStep.Owner?.Disown(tensor.Buffer);
        for (var scope = _current; scope != null; scope = scope._parent)
        {
            int at = scope._owned.IndexOf(tensor.Buffer);
            if (at < 0) continue;
            scope._owned[at] = scope._owned[^1];
            scope._owned.RemoveAt(scope._owned.Count - 1);
        }
        return tensor;
    }

    /// <summary>Releases every buffer created in this scope that was not kept, and closes the scope.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        if (!ReferenceEquals(_current, this))
            throw new InvalidOperationException("TensorScope: scopes must be disposed innermost first, on the thread that began them.");
        _disposed = true;
        _current = _parent;
        foreach (var buffer in _owned) buffer.Dispose();
        _owned.Clear();
        _spare = _owned;
    }

    private sealed class Resume(IDisposable? recording) : IDisposable
    {
        private bool _done;

        public void Dispose()
        {
            if (_done) return;
            _done = true;
            _suspended--;
            recording?.Dispose();
        }
    }
}
