using System.Runtime.InteropServices;

namespace GsdmCore.Cli.Training;

/// <summary>
/// Ctrl-C (SIGINT) and SIGTERM handling. While training runs (inside <see cref="Defer"/>), the first signal becomes a
/// cancellation that the training loop polls between steps, so it can save a checkpoint and exit; a second signal, or
/// any signal outside training (e.g. while sampling), ends the process at once as usual.
/// </summary>
public sealed class CancelSignal : IDisposable
{
    private readonly CancellationTokenSource _source = new();
    private readonly PosixSignalRegistration[] _registrations;
    private int _deferring;

    /// <summary>Starts listening.</summary>
    public CancelSignal()
    {
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle),
        ];
    }

    /// <summary>Cancelled by the first signal that arrives while training.</summary>
    public CancellationToken Token => _source.Token;

    /// <summary>Turns the next signal into a cancellation until the returned scope is disposed.</summary>
    public IDisposable Defer()
    {
        Interlocked.Increment(ref _deferring);
        return new Scope(this);
    }

    private void Handle(PosixSignalContext context)
    {
        if (Volatile.Read(ref _deferring) == 0 || _source.IsCancellationRequested) return; // default handling ends the process
        context.Cancel = true;
        _source.Cancel();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var r in _registrations) r.Dispose();
        _source.Dispose();
    }

    private sealed class Scope(CancelSignal owner) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) Interlocked.Decrement(ref owner._deferring);
        }
    }
}
