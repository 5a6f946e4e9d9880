namespace GsdmCore;

/// <summary>Whether ops record the graph that <c>Backward()</c> walks. Per thread; on by default.</summary>
public static class GradMode
{
    [ThreadStatic] private static bool _disabled;

    /// <summary>True when ops on tensors that require gradients record graph nodes.</summary>
    public static bool IsEnabled => !_disabled;

    /// <summary>Turns recording off until the returned scope is disposed: <c>using (GradMode.Disable()) { ... }</c>.</summary>
    public static IDisposable Disable() => new Scope(false);

    /// <summary>Turns recording on until the returned scope is disposed.</summary>
    public static IDisposable Enable() => new Scope(true);

    private sealed class Scope : IDisposable
    {
        private readonly bool _previouslyDisabled;
        private bool _done;

        public Scope(bool enabled)
        {
            _previouslyDisabled = _disabled;
            _disabled = !enabled;
        }

        public void Dispose()
        {
            if (_done) return;
            _disabled = _previouslyDisabled;
            _done = true;
        }
    }
}
