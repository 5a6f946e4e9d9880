namespace GsdmCore.TestSupport;

/// <summary>
/// The naive float64 reference: a row-major array with scalar-loop implementations of every op.
/// Deliberately slow and obvious; tests compare the engine against it.
/// </summary>
public sealed partial class NdArray
{
    public int[] Shape { get; }
    public double[] Data { get; }

    public NdArray(int[] shape, double[] data)
    {
        if (ShapeCount(shape) != data.Length)
            throw new ArgumentException($"NdArray: {data.Length} values for shape {Format(shape)}.");
        Shape = (int[])shape.Clone();
        Data = data;
    }

    public int Rank => Shape.Length;
    public int Count => Data.Length;

    public static NdArray Zeros(params int[] shape) => new(shape, new double[ShapeCount(shape)]);

    public static NdArray Scalar(double value) => new([], [value]);

    /// <summary>The reference holding a tensor's current values (read through its view).</summary>
    public static NdArray Of(Tensor t) => new(t.Shape, t.ToArray<double>());

    public double this[params int[] index]
    {
        get => Data[FlatIndex(index)];
        set => Data[FlatIndex(index)] = value;
    }

    public int FlatIndex(ReadOnlySpan<int> index) => Flat(Shape, index);

    /// <summary>Row-major position of <paramref name="index"/> in <paramref name="shape"/>.</summary>
    public static int Flat(int[] shape, ReadOnlySpan<int> index)
    {
        int flat = 0;
        for (int axis = 0; axis < shape.Length; axis++) flat = flat * shape[axis] + index[axis];
        return flat;
    }

    /// <summary>The multi-index of row-major position <paramref name="flat"/> in <paramref name="shape"/>.</summary>
    public static int[] Unravel(int flat, int[] shape)
    {
        var index = new int[shape.Length];
        for (int axis = shape.Length - 1; axis >= 0; axis--)
        {
            index[axis] = flat % shape[axis];
            flat /= shape[axis];
        }
        return index;
    }

    public static int ShapeCount(int[] shape)
    {
        int n = 1;
        foreach (var d in shape) n *= d;
        return n;
    }

    public static string Format(int[] shape) => "[" + string.Join(", ", shape) + "]";

    /// <summary>Builds an array whose element at each multi-index is <paramref name="at"/>(index).</summary>
    public static NdArray Build(int[] shape, Func<int[], double> at)
    {
        var data = new double[ShapeCount(shape)];
        for (int i = 0; i < data.Length; i++) data[i] = at(Unravel(i, shape));
        return new NdArray(shape, data);
    }

    public override string ToString() => $"NdArray{Format(Shape)}";
}
