using GsdmCore.Backends;

namespace GsdmCore;

public sealed partial class Tensor
{
    /// <summary>A tensor of <paramref name="shape"/> filled with <paramref name="value"/>.</summary>
    public static Tensor Full(int[] shape, double value, DType dtype = DType.F32, Device? device = null)
    {
        Checks.Shape("full", shape);
        var t = Empty((int[])shape.Clone(), dtype, device ?? Device.Current);
        t.Backend.Fill(t.Buffer, t.Layout, value);
        return t;
    }

    /// <summary>Zeros of <paramref name="shape"/>.</summary>
    public static Tensor Zeros(int[] shape, DType dtype = DType.F32, Device? device = null) => Full(shape, 0, dtype, device);

    /// <summary>Ones of <paramref name="shape"/>.</summary>
    public static Tensor Ones(int[] shape, DType dtype = DType.F32, Device? device = null) => Full(shape, 1, dtype, device);

    /// <summary>Zeros with this tensor's shape, dtype and device.</summary>
    public Tensor ZerosLike() => Zeros(Layout.Shape, DType, Device);

    /// <summary>Ones with this tensor's shape, dtype and device.</summary>
    public Tensor OnesLike() => Ones(Layout.Shape, DType, Device);

    /// <summary>A rank-0 tensor holding <paramref name="value"/>.</summary>
    public static Tensor Scalar(double value, DType dtype = DType.F32, Device? device = null) => Full([], value, dtype, device);

    /// <summary>0, 1, ..., count - 1.</summary>
    public static Tensor Arange(int count, DType dtype = DType.F32, Device? device = null) => Arange(0, count, 1, dtype, device);

    /// <summary>start, start + step, ... up to but excluding <paramref name="end"/>.</summary>
    public static Tensor Arange(double start, double end, double step = 1, DType dtype = DType.F32, Device? device = null)
    {
        if (step == 0 || double.IsNaN(step))
            throw new TensorShapeException("arange", "step must be a non-zero number.");
        int count = Math.Max(0, (int)Math.Ceiling((end - start) / step));
        var t = Empty([count], dtype, device ?? Device.Current);
        t.Backend.Arange(t.Buffer, count, start, step);
        return t;
    }

    /// <summary>A float32 tensor holding a copy of <paramref name="data"/> with <paramref name="shape"/> (default: 1-D).</summary>
    public static Tensor FromArray(float[] data, int[]? shape = null, Device? device = null) => From<float>(data, shape, device);

    /// <summary>A float64 tensor holding a copy of <paramref name="data"/>.</summary>
    public static Tensor FromArray(double[] data, int[]? shape = null, Device? device = null) => From<double>(data, shape, device);

    /// <summary>An int32 tensor holding a copy of <paramref name="data"/>.</summary>
    public static Tensor FromArray(int[] data, int[]? shape = null, Device? device = null) => From<int>(data, shape, device);

    private static Tensor From<T>(T[] data, int[]? shape, Device? device) where T : unmanaged
    {
        shape ??= [data.Length];
        Checks.Shape("from_array", shape);
        if (Layout.ShapeCount(shape) != data.Length)
            throw new TensorShapeException("from_array", $"{data.Length} values do not fill shape {Checks.S(shape)} ({Layout.ShapeCount(shape)} elements).");
        var t = Empty((int[])shape.Clone(), DTypeInfo.Of<T>(), device ?? Device.Current);
        t.Backend.Upload<T>(data, t.Buffer);
        return t;
    }

    /// <summary>Uniform samples on [0, 1) from <paramref name="generator"/>.</summary>
    public static Tensor Rand(int[] shape, Generator generator, DType dtype = DType.F32, Device? device = null) =>
        Random(RandomKind.Uniform, shape, generator, dtype, device);

    /// <summary>Standard normal samples from <paramref name="generator"/>.</summary>
    public static Tensor Randn(int[] shape, Generator generator, DType dtype = DType.F32, Device? device = null) =>
        Random(RandomKind.Normal, shape, generator, dtype, device);

    private static Tensor Random(RandomKind kind, int[] shape, Generator generator, DType dtype, Device? device)
    {
        Checks.Shape("random", shape);
        if (!dtype.IsFloat()) throw new TensorDTypeException("random", $"random tensors are float; asked for {dtype}.");
        var t = Empty((int[])shape.Clone(), dtype, device ?? Device.Current);
        t.Backend.Random(kind, t.Buffer, t.Count, generator.Seed, generator.Reserve(t.Count));
        return t;
    }
}
