using GsdmCore.Backends;

namespace GsdmCore.Diffusion;

/// <summary>
/// Which entries of a batch of flat vectors are observed, and their values: <see cref="Mask"/> [batch, D]
/// holds 1 at observed entries and 0 elsewhere; <see cref="Values"/> [batch, D] holds the observations there
/// and 0 elsewhere (the reference's <c>obs = mask * x0</c>).
/// </summary>
public sealed class Observation
{
    /// <summary>Creates the observation of <paramref name="values"/> at the nonzero entries of <paramref name="mask"/>.</summary>
    public Observation(Tensor mask, Tensor values)
    {
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentNullException.ThrowIfNull(values);
        if (mask.Rank != 2 || !mask.Shape.SequenceEqual(values.Shape))
            throw new TensorShapeException("observation", $"mask {Layout.Format(mask.Shape)} and values {Layout.Format(values.Shape)} must both be [batch, D].");
        if (!values.DType.IsFloat())
            throw new TensorDTypeException("observation", $"observed values must be float, got {values.DType}.");
        var m = mask.DType == values.DType ? mask : mask.To(values.DType);
        Mask = m.Ne(m.ZerosLike());
        Values = Tensor.Where(Mask, values, values.ZerosLike());
    }

    /// <summary>Nothing observed, for a batch of <paramref name="batch"/> vectors of <paramref name="dim"/> entries.</summary>
    public static Observation None(int batch, int dim, DType dtype = DType.F32) =>
        new(Tensor.Zeros([batch, dim], dtype), Tensor.Zeros([batch, dim], dtype));

    /// <summary>1 at observed entries, 0 elsewhere [batch, D].</summary>
    public Tensor Mask { get; }
    /// <summary>The observations at observed entries, 0 elsewhere [batch, D].</summary>
    public Tensor Values { get; }
    /// <summary>Batch size.</summary>
    public int Batch => Mask.Dim(0);
    /// <summary>Entries per datum.</summary>
    public int Dim => Mask.Dim(1);
    /// <summary>Element type of <see cref="Mask"/> and <see cref="Values"/>.</summary>
    public DType DType => Values.DType;

    /// <summary>x with its observed entries replaced by the observations: x (1 - m) + obs m, exactly.</summary>
    public Tensor Clamp(Tensor x)
    {
        Check(x);
        return Tensor.Where(Mask, Values, x);
    }

    /// <summary>Throws unless <paramref name="x"/> has this observation's shape and dtype.</summary>
    internal void Check(Tensor x)
    {
        if (!x.Shape.SequenceEqual(Mask.Shape))
            throw new TensorShapeException("observation", $"tensor {Layout.Format(x.Shape)} does not match the observation {Layout.Format(Mask.Shape)}.");
        if (x.DType != DType)
            throw new TensorDTypeException("observation", $"tensor is {x.DType} but the observation is {DType}; build the observation in {x.DType}.");
    }
}
