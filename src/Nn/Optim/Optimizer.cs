using GsdmCore.Backends;

namespace GsdmCore.Nn;

/// <summary>Base of the optimisers: the parameters they update and the learning rate.</summary>
public abstract class Optimizer
{
    /// <summary>The parameters, in the order given.</summary>
    public IReadOnlyList<Tensor> Parameters { get; }
    /// <summary>Step size; may be changed between steps (schedules).</summary>
    public double LearningRate { get; set; }

    /// <summary>Takes the parameters (float, contiguous, on the CPU).</summary>
    protected Optimizer(IEnumerable<Tensor> parameters, double learningRate)
    {
        Parameters = parameters.ToList();
        if (Parameters.Count == 0) throw new ArgumentException("an optimiser needs at least one parameter.", nameof(parameters));
        foreach (var p in Parameters)
            if (!p.DType.IsFloat() || !p.IsContiguous)
                throw new ArgumentException($"optimised parameters must be contiguous float tensors; got {p.DType} {p.Layout}.", nameof(parameters));
        if (learningRate < 0) throw new ArgumentOutOfRangeException(nameof(learningRate), "the learning rate cannot be negative.");
        LearningRate = learningRate;
    }

    /// <summary>Updates every parameter that has a gradient, in place.</summary>
    public abstract void Step();

    /// <summary>Clears the gradients: sets them to null, or to zeros when <paramref name="setToNone"/> is false.</summary>
    public void ZeroGrad(bool setToNone = true)
    {
        foreach (var p in Parameters)
            p.Grad = setToNone || p.Grad == null ? null : p.ZerosLike();
    }
}
