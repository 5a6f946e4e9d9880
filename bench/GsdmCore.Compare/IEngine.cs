namespace GsdmCore.Compare;

/// <summary>One engine's training and sampling step on fixed inputs.</summary>
internal interface IEngine : IDisposable
{
    string Name { get; }
    long ParameterCount { get; }
    /// <summary>Forward + loss + backward + grad clip (1.0) + Adam + EMA; returns the loss.</summary>
    double TrainStep();
    /// <summary>One denoiser forward without gradients on the sampling batch; returns the x0 prediction when asked.</summary>
    float[]? SampleStep(bool copyOut = false);
}
