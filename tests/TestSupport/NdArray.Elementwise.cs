namespace GsdmCore.TestSupport;

public sealed partial class NdArray
{
    public NdArray Map(Func<double, double> f) => new(Shape, Data.Select(f).ToArray());

    /// <summary>f applied pairwise after NumPy broadcasting.</summary>
    public static NdArray Zip(NdArray a, NdArray b, Func<double, double, double> f)
    {
        var shape = BroadcastShape(a.Shape, b.Shape) ?? throw new ArgumentException($"zip {Format(a.Shape)} {Format(b.Shape)}");
        var ab = a.BroadcastTo(shape);
        var bb = b.BroadcastTo(shape);
        var data = new double[ab.Count];
        for (int i = 0; i < data.Length; i++) data[i] = f(ab.Data[i], bb.Data[i]);
        return new NdArray(shape, data);
    }

    public static NdArray Where(NdArray cond, NdArray a, NdArray b)
    {
        var shape = BroadcastShape(BroadcastShape(cond.Shape, a.Shape)!, b.Shape)!;
        var c = cond.BroadcastTo(shape);
        var ab = a.BroadcastTo(shape);
        var bb = b.BroadcastTo(shape);
        return Build(shape, index => c[index] != 0 ? ab[index] : bb[index]);
    }

    public static NdArray operator +(NdArray a, NdArray b) => Zip(a, b, (x, y) => x + y);
    public static NdArray operator -(NdArray a, NdArray b) => Zip(a, b, (x, y) => x - y);
    public static NdArray operator *(NdArray a, NdArray b) => Zip(a, b, (x, y) => x * y);
    public static NdArray operator *(NdArray a, double c) => a.Map(x => x * c);
}
