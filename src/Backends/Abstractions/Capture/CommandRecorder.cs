namespace GsdmCore.Backends;

/// <summary>
/// Records the backend calls a thread makes while it is <see cref="Current"/>, as commands that <see cref="Replay"/>
/// runs again on the same buffers. Every buffer and tensor view reaches its backend through <see cref="Route"/>, which
/// hands out a recording decorator of the real backend while a recorder is active on the thread (and the real backend
/// inside a recorded call, so that a backend calling itself is not recorded twice). The commands keep their arguments,
/// so replaying allocates nothing beyond what the backend's kernels do. What cannot be replayed faithfully (host reads
/// and uploads, random draws, optimiser steps) is refused with a <see cref="CaptureException"/>.
/// </summary>
public sealed class CommandRecorder
{
    [ThreadStatic] private static CommandRecorder? _current;
    [ThreadStatic] private static int _inCall;

    private readonly List<Action> _commands = new();
    // The buffers each command reads or writes, in command order (what memory planning needs to know).
    private readonly List<IBuffer?[]> _touched = new();
    private readonly Dictionary<Backend, RecordingBackend> _decorators = new(ReferenceEqualityComparer.Instance);
    private Action[]? _frozen;

    /// <summary>The recorder active on this thread, or null.</summary>
    public static CommandRecorder? Current => _current;

    /// <summary>
    /// True while this thread records and is not inside a recorded call: host code that touches device memory directly
    /// here would be missing from the replay (the CPU buffers refuse it).
    /// </summary>
    public static bool IsRecordingOutsideCall => _current != null && _inCall == 0;

    /// <summary>The backend a buffer or device hands out: <paramref name="backend"/> itself, or its recording decorator while this thread records.</summary>
    public static Backend Route(Backend backend)
    {
        var recorder = _current;
        return recorder == null || _inCall > 0 ? backend : recorder.Decorator(backend);
    }

    /// <summary>
    /// Stops recording on this thread until the returned handle is disposed: calls made meanwhile run on the real
    /// backend and are not replayed (state created once, such as lazily uploaded constants). Null when this thread
    /// does not record.
    /// </summary>
    public static IDisposable? Pause()
    {
        if (_current == null) return null;
        _inCall++;
        return new PauseHandle();
    }

    /// <summary>Makes a new recorder current on this thread until the returned handle is disposed.</summary>
    /// <exception cref="CaptureException">This thread already records.</exception>
    public static (CommandRecorder Recorder, IDisposable Stop) Start()
    {
        if (_current != null) throw new CaptureException("capture", "this thread is already capturing a step; captures cannot be nested.");
        var recorder = new CommandRecorder();
        _current = recorder;
        return (recorder, new StopHandle(recorder));
    }

    /// <summary>Number of recorded commands.</summary>
    public int Count => _commands.Count;

    /// <summary>Runs every recorded command again, in order.</summary>
    /// <exception cref="CaptureException">Called while this thread records.</exception>
    public void Replay()
    {
        if (_current != null) throw new CaptureException("replay", "a captured step cannot be replayed while a step is being captured.");
        var commands = _frozen ??= _commands.ToArray();
        for (int i = 0; i < commands.Length; i++) commands[i]();
    }

    /// <summary>Records <paramref name="command"/>, which reads or writes <paramref name="touched"/>, and runs it now, as the call being captured.</summary>
    internal void RecordAndRun(Action command, params IBuffer?[] touched)
    {
        _commands.Add(command);
        _touched.Add(touched);
        _frozen = null;
        _inCall++;
        try
        {
            command();
        }
        finally
        {
            _inCall--;
        }
    }

    /// <summary>Runs <paramref name="call"/> on the real backend without recording it (allocation, which the capture's owner tracks).</summary>
    internal T Bypass<T>(Func<T> call)
    {
        _inCall++;
        try
        {
            return call();
        }
        finally
        {
            _inCall--;
        }
    }

    /// <summary>
    /// Lets the buffers of <paramref name="owned"/> (each listed once) whose uses in the recorded commands do not overlap share memory
    /// (<see cref="Backend.TryShareMemory"/>), so a replay needs only the memory of the buffers alive at once. Buffers in
    /// <paramref name="keep"/> (what the caller reads after a replay) keep memory of their own; so do buffers no command
    /// touches. A buffer's first use writes it before any command reads it (its contents were unspecified when it was
    /// made), so it may take over memory whose last use came strictly earlier. Returns the bytes no longer needed.
    /// </summary>
    public long PlanMemory(IReadOnlyList<IBuffer> owned, IReadOnlySet<IBuffer> keep)
    {
        var first = new Dictionary<IBuffer, int>(ReferenceEqualityComparer.Instance);
        var last = new Dictionary<IBuffer, int>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < _touched.Count; i++)
            foreach (var buffer in _touched[i])
            {
                if (buffer == null) continue;
                first.TryAdd(buffer, i);
                last[buffer] = i;
            }
        long saved = 0;
        var candidates = owned.Where(b => !keep.Contains(b) && first.ContainsKey(b));
        foreach (var group in candidates.GroupBy(b => (b.Backend, b.DType, b.Length)))
        {
            // Greedy interval assignment, buffers in order of first use: reuse a slot whose last use is over.
            var slots = new List<(IBuffer Owner, int Last)>();
            foreach (var buffer in group.OrderBy(b => first[b]))
            {
                int at = slots.FindIndex(slot => slot.Last < first[buffer]);
                if (at >= 0 && group.Key.Backend.TryShareMemory(buffer, slots[at].Owner))
                {
                    slots[at] = (slots[at].Owner, last[buffer]);
                    saved += (long)buffer.Length * buffer.DType.SizeOf();
                }
                else slots.Add((buffer, last[buffer]));
            }
        }
        return saved;
    }

    private RecordingBackend Decorator(Backend backend)
    {
        if (!_decorators.TryGetValue(backend, out var decorator))
            _decorators[backend] = decorator = new RecordingBackend(backend, this);
        return decorator;
    }

    private sealed class PauseHandle : IDisposable
    {
        private bool _done;

        public void Dispose()
        {
            if (_done) return;
            _done = true;
            _inCall--;
        }
    }

    private sealed class StopHandle(CommandRecorder recorder) : IDisposable
    {
        public void Dispose()
        {
            if (ReferenceEquals(_current, recorder)) _current = null;
        }
    }
}
