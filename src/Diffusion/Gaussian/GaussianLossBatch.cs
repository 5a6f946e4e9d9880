using GsdmCore.Backends;

namespace GsdmCore.Diffusion;

/// <summary>
/// One batch of the Gaussian training loss's inputs, every per-step value held in a tensor: x0, the noise, the
/// observation mask, the timesteps (as the network reads them) and the per-item coefficients sqrt(alpha-bar[t]) and
/// sqrt(1 - alpha-bar[t]). <see cref="GaussianDiffusion.Loss(IDenoiser, GaussianLossBatch, LossWeighting)"/> reads
/// only these tensors, so a step captured with <see cref="CapturedStep"/> trains on whatever <see cref="Set"/> last
/// copied into them. The tensors are made once, outside every scope, and keep their memory.
/// </summary>
public sealed class GaussianLossBatch
{
    /// <summary>Clean data [batch, D].</summary>
    public Tensor X0 { get; }
    /// <summary>Noise eps [batch, D].</summary>
    public Tensor Noise { get; }
    /// <summary>Observation mask [batch, D] (non-zero = observed), in the data's dtype.</summary>
    public Tensor Mask { get; }
    /// <summary>The timesteps [batch] as the denoiser reads them (float, the data's dtype).</summary>
    public Tensor Timesteps { get; }
    /// <summary>sqrt(alpha-bar[t_i]) [batch, 1].</summary>
    public Tensor SqrtAlphaBar { get; }
    /// <summary>sqrt(1 - alpha-bar[t_i]) [batch, 1].</summary>
    public Tensor SqrtOneMinusAlphaBar { get; }
    /// <summary>The ELBO weight of each item's timestep, w[t_i] T [batch] (read only with <see cref="LossWeighting.Elbo"/>).</summary>
    public Tensor ElboWeights { get; }

    /// <summary>Number of items.</summary>
    public int Batch => X0.Dim(0);
    /// <summary>Entries per datum.</summary>
    public int Width => X0.Dim(1);

    /// <summary>Makes the tensors of a batch of <paramref name="batch"/> data of <paramref name="width"/> entries on <paramref name="device"/> (default: the current one).</summary>
    public GaussianLossBatch(int batch, int width, DType dtype = DType.F32, Device? device = null)
    {
        if (batch <= 0 || width <= 0)
            throw new TensorShapeException("gaussian_loss_batch", $"batch and width must be positive, got {batch} x {width}.");
        if (!dtype.IsFloat()) throw new TensorDTypeException("gaussian_loss_batch", $"the data must be float, got {dtype}.");
        using (TensorScope.Suspend())
        {
            Tensor Make(params int[] shape) => TensorScope.Persist(Tensor.Zeros(shape, dtype, device));
            X0 = Make(batch, width);
            Noise = Make(batch, width);
            Mask = Make(batch, width);
            Timesteps = Make(batch);
            SqrtAlphaBar = Make(batch, 1);
            SqrtOneMinusAlphaBar = Make(batch, 1);
            ElboWeights = Make(batch);
        }
    }

    /// <summary>
    /// Copies one step's draws in: <paramref name="x0"/>, <paramref name="noise"/> and <paramref name="observedMask"/>
    /// (nothing observed when null) [batch, D], and the coefficients of the timesteps <paramref name="t"/> under
    /// <paramref name="diffusion"/>'s schedule, rounded to the data's dtype as the loss over host timesteps rounds them.
    /// </summary>
    /// <exception cref="TensorShapeException">A tensor or the timestep count does not match the batch.</exception>
    public void Set(GaussianDiffusion diffusion, Tensor x0, IReadOnlyList<int> t, Tensor noise, Tensor? observedMask = null)
    {
        ArgumentNullException.ThrowIfNull(diffusion);
        foreach (var (name, tensor) in new[] { ("x0", x0), ("noise", noise), ("mask", observedMask) })
            if (tensor != null && (tensor.Rank != 2 || tensor.Dim(0) != Batch || tensor.Dim(1) != Width))
                throw new TensorShapeException("gaussian_loss_batch", $"{name} must be [{Batch}, {Width}], got {Layout.Format(tensor.Shape)}.");
        using (GradMode.Disable())
        using (TensorScope.Begin())
        {
            var (a, b) = diffusion.QSampleColumns(x0, t, noise);
            X0.CopyFrom(x0);
            Noise.CopyFrom(noise);
            Mask.CopyFrom(observedMask ?? Mask.ZerosLike());
            Timesteps.CopyFrom(GaussianDiffusion.TimestepTensor(t, X0.DType));
            SqrtAlphaBar.CopyFrom(a);
            SqrtOneMinusAlphaBar.CopyFrom(b);
            ElboWeights.CopyFrom(diffusion.ElboWeights(t, X0.DType));
        }
    }
}
