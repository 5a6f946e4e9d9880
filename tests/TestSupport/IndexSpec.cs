using FsCheck;
using FsCheck.Fluent;
using GsdmCore.Backends;

namespace GsdmCore.TestSupport;

/// <summary>An I32 index tensor: its values (row-major) and the memory layout that holds them.</summary>
public sealed record IndexSpec(int[] Shape, int[] Values, ViewKind View, int Seed)
{
    public static readonly ViewKind[] Views = [ViewKind.Contiguous, ViewKind.Narrowed, ViewKind.Transposed, ViewKind.TransposedNarrowed];

    public Tensor Make() =>
        TensorBuilder.Build(Reference, View, new Random(Seed), DType.I32);

    /// <summary>The indices as float64 (for the reference ops that take an index array).</summary>
    public NdArray Reference => new(Shape, Values.Select(v => (double)v).ToArray());

    /// <summary>Indices in 0..n-1 for <paramref name="shape"/>, held by a random non-broadcast layout.</summary>
    public static Gen<IndexSpec> Gen(int[] shape, int n) =>
        from values in NdArray.ShapeCount(shape) == 0 || n == 0
            ? FsCheck.Fluent.Gen.Constant(new int[NdArray.ShapeCount(shape)])
            : Gens.Indices(NdArray.ShapeCount(shape), n)
        from view in FsCheck.Fluent.Gen.Elements(Views)
        from seed in Gens.Seed
        select new IndexSpec(shape, values, view, seed);

    public override string ToString() =>
        $"index {NdArray.Format(Shape)} {View} seed {Seed} values [{string.Join(", ", Values.Take(24))}{(Values.Length > 24 ? ", ..." : "")}]";
}
