using GsdmCore.Backends;

namespace GsdmCore;

/// <summary>
/// A step (typically a forward and backward pass) run once while its backend calls are recorded, then replayed on the
/// same memory as many times as wanted, with no per-op bookkeeping: no tensors, views, graph nodes or arrays are made
/// again, so a replay allocates nothing on the managed heap beyond what the kernels themselves do (the CPU kernels
/// allocate nothing in steady state).
/// <code>
/// var step = CapturedStep.Capture(() =>
/// {
///     var loss = model.Loss(x, target);   // x, target: tensors made before the capture
///     loss.Backward();
///     return loss;
/// }, model.Parameters());
/// for (...)
/// {
///     x.CopyFrom(nextBatch);               // new inputs go into the same tensors
///     step.Replay();                       // the parameters' gradients are set again
///     optimizer.Step();
///     optimizer.ZeroGrad();
/// }
/// </code>
/// <para>
/// What a replay repeats is exactly the recorded calls on their recorded buffers: the values of the step's input
/// tensors are read again, everything else about the step is frozen at capture time: shapes, which ops run, and any
/// host number passed to an op (a scalar in <c>x * 0.5</c> is fine; a learning rate or timestep computed on the host
/// each step is not: pass such values in tensors). Capturing refuses what would silently replay stale values: reading
/// device values on the host (<c>Item()</c>), uploading host data, drawing random numbers and optimiser steps. State
/// created lazily under <see cref="TensorScope.Suspend"/> (constants uploaded once) is made, not recorded. Only the
/// capturing thread is recorded: ops the step runs on other threads of its own would be missing from the replay.
/// </para>
/// <para>
/// The memory of every tensor the step creates belongs to the capture until it is disposed (kept out of every
/// <see cref="TensorScope"/> and out of the pool), including <see cref="Output"/> and the gradients. Tensors whose uses
/// in the step never overlap share memory after the capture (<see cref="MemoryBytes"/>), so a replay needs about what is
/// alive at once; only <see cref="Output"/> and the gradients are to be read after a replay.
/// </para>
/// </summary>
public sealed class CapturedStep : IDisposable
{
    [ThreadStatic] private static CapturedStep? _capturing;

    private readonly List<IBuffer> _owned = new();
    private readonly CommandRecorder _recorder;
    private (Tensor Parameter, Tensor? Grad, IBuffer Memory)[] _watched = [];
    private bool _disposed;

    private CapturedStep(CommandRecorder recorder) => _recorder = recorder;

    /// <summary>The capture that owns the memory of tensors created on this thread now, or null.</summary>
    internal static CapturedStep? Owner => _capturing;

    /// <summary>What the step returned (null when it returned nothing); each replay writes its memory again.</summary>
    public Tensor? Output { get; private set; }

    /// <summary>Number of backend calls a replay makes.</summary>
    public int CommandCount => _recorder.Count;

    /// <summary>
    /// Runs <paramref name="step"/> once, recording it (this run's results are real: <see cref="Output"/> and the
    /// gradients hold them). Afterwards the gradient of each of <paramref name="parameters"/> is remembered, and every
    /// <see cref="Replay"/> sets it again.
    /// </summary>
    /// <exception cref="CaptureException">
    /// A parameter already has a gradient (the recorded backward would then add to memory the replay does not own:
    /// clear the gradients first); this thread is already capturing; or the step does something a replay cannot repeat
    /// faithfully (the message names it).
    /// </exception>
    public static CapturedStep Capture(Func<Tensor?> step, IEnumerable<Tensor>? parameters = null)
    {
        ArgumentNullException.ThrowIfNull(step);
        var watched = parameters?.ToArray() ?? [];
        foreach (var p in watched)
            if (p.Grad != null)
                throw new CaptureException("capture", $"a parameter of shape {Layout.Format(p.Layout.Shape)} already has a gradient; a captured backward must start from none: call ZeroGrad() (set gradients to null) first.");
        if (_capturing != null) throw new CaptureException("capture", "this thread is already capturing a step; captures cannot be nested.");

        var (recorder, stop) = CommandRecorder.Start();
        var captured = new CapturedStep(recorder);
        _capturing = captured;
        try
        {
            captured.Output = step();
        }
        catch
        {
            captured.Release();
            throw;
        }
        finally
        {
            _capturing = null;
            stop.Dispose();
        }
        captured._watched = watched.Select(p => (p, p.Grad, p.Buffer)).ToArray();
        captured.PlanMemory();
        return captured;
    }

    /// <summary>
    /// Whether every watched parameter still lives in the memory it had at capture time (false after
    /// <c>MoveTo</c>, which gives a tensor new memory: the recorded calls would not see it).
    /// </summary>
    public bool IsCurrent
    {
        get
        {
            foreach (var (parameter, _, memory) in _watched)
                if (!ReferenceEquals(parameter.Buffer, memory)) return false;
            return !_disposed;
        }
    }

    /// <summary>
    /// Runs the recorded calls again on the same memory, then sets each watched parameter's gradient to the tensor the
    /// capture gave it (whatever it holds now: a replay's gradients are those of this step alone, never added to
    /// earlier ones).
    /// </summary>
    /// <exception cref="ObjectDisposedException">The capture was disposed.</exception>
    /// <exception cref="CaptureException">A watched parameter was given new memory since the capture (<see cref="IsCurrent"/>).</exception>
    public void Replay()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!IsCurrent)
            throw new CaptureException("replay", "a parameter was given new memory (MoveTo) since the step was captured; the recorded calls would not see it: capture the step again.");
        _recorder.Replay();
        foreach (var (parameter, grad, _) in _watched) parameter.Grad = grad;
    }

    /// <summary>Returns the step's memory to the pool; gradients that are still the capture's are cleared.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var (parameter, grad, _) in _watched)
            if (grad != null && ReferenceEquals(parameter.Grad, grad)) parameter.Grad = null;
        Release();
    }

    /// <summary>
    /// Bytes of memory the replays use: what the step's tensors took, less what tensors never alive at the same time
    /// share since the capture.
    /// </summary>
    public long MemoryBytes { get; private set; }

    /// <summary>Bytes the step's tensors took when it was captured, each with memory of its own.</summary>
    public long TensorBytes { get; private set; }

    /// <summary>
    /// Lets the step's tensors whose uses in the replay do not overlap share memory, keeping apart what is read after a
    /// replay: <see cref="Output"/> and the watched gradients. Every other tensor the step made holds unspecified values
    /// after the capture.
    /// </summary>
    private void PlanMemory()
    {
        var keep = new HashSet<IBuffer>(ReferenceEqualityComparer.Instance);
        if (Output != null) keep.Add(Output.Buffer);
        foreach (var (_, grad, _) in _watched)
            if (grad != null) keep.Add(grad.Buffer);
        TensorBytes = _owned.Sum(b => (long)b.Length * b.DType.SizeOf());
        MemoryBytes = TensorBytes - _recorder.PlanMemory(_owned, keep);
    }

    internal void Own(IBuffer buffer) => _owned.Add(buffer);

    internal void Disown(IBuffer buffer)
    {
        int at = _owned.LastIndexOf(buffer);
        if (at >= 0) _owned.RemoveAt(at);
    }

    private void Release()
    {
        foreach (var buffer in _owned) buffer.Dispose();
        _owned.Clear();
    }
}
