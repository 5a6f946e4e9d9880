using GsdmCore.Backends;

namespace GsdmCore.Nn;

/// <summary>
/// Gathers the per-parameter arguments of a multi-tensor backend call (<see cref="Backend.AdamSteps"/>,
/// <see cref="Backend.MovingAverageSteps"/>) and makes one call per run of consecutive parameters on the same
/// backend, so that a backend can update them all together. The argument array is allocated once.
/// </summary>
internal sealed class BackendBatch<T>(int capacity, BackendBatch<T>.Call call) where T : struct
{
    /// <summary>The backend call for one run of targets.</summary>
    public delegate void Call(Backend backend, ReadOnlySpan<T> targets);

    private readonly T[] _targets = new T[capacity];
    private Backend? _backend;
    private int _count;

    /// <summary>Adds the target of one parameter on <paramref name="backend"/>, first calling for the run before it if that was on another backend.</summary>
    public void Add(Backend backend, T target)
    {
        if (_backend != null && _backend != backend) Complete();
        _backend = backend;
        _targets[_count++] = target;
    }

    /// <summary>Calls for the targets added since the last call, then forgets them (and the buffers they hold).</summary>
    public void Complete()
    {
        try
        {
            if (_backend != null) call(_backend, _targets.AsSpan(0, _count));
        }
        finally
        {
            Discard();
        }
    }

    /// <summary>Forgets the targets added since the last call without calling for them (after a failed step).</summary>
    public void Discard()
    {
        Array.Clear(_targets, 0, _count);
        (_backend, _count) = (null, 0);
    }
}
