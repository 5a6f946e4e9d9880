using FsCheck;
using FsCheck.Fluent;

namespace GsdmCore.TestSupport;

/// <summary>FsCheck generators of shapes, axes and input specs.</summary>
public static class Gens
{
    public static readonly ViewKind[] AllViews = Enum.GetValues<ViewKind>();

    public static Gen<int> Seed => Gen.Choose(0, 1_000_000);

    /// <summary>An extent in 1..max, or occasionally 0 when <paramref name="allowZero"/>.</summary>
    public static Gen<int> Extent(bool allowZero, int max = 6) =>
        allowZero ? Gen.Frequency((1, Gen.Constant(0)), (12, Gen.Choose(1, max))) : Gen.Choose(1, max);

    public static Gen<int[]> Shape(int minRank = 0, int maxRank = 4, bool allowZero = false, int maxExtent = 6) =>
        from rank in Gen.Choose(minRank, maxRank)
        from extents in Gen.ArrayOf(Extent(allowZero, maxExtent), rank)
        select extents;

    /// <summary>
    /// Shapes for op-versus-reference properties: mostly rank 0..4 with extents up to 6, sometimes rank 1..2
    /// with long axes (up to 90) so vector bodies, tails and multi-chunk paths are reached.
    /// </summary>
    public static Gen<int[]> OpShape(int minRank = 0, bool allowZero = false) =>
        Gen.Frequency((4, Shape(minRank, 4, allowZero)), (1, Shape(Math.Max(minRank, 1), 2, allowZero, maxExtent: 90)));

    public static Gen<ViewKind> View => Gen.Elements(AllViews);

    public static Gen<InputSpec> Spec(int[] shape, Domain domain, Gen<ViewKind>? view = null) =>
        from v in view ?? View
        from seed in Seed
        select new InputSpec(shape, v, domain, seed);

    /// <summary>A shape that broadcasts to <paramref name="full"/>: maybe fewer leading axes, some extents cut to 1.</summary>
    public static Gen<int[]> BroadcastPartOf(int[] full) =>
        from drop in Gen.Frequency((3, Gen.Constant(0)), (1, Gen.Choose(0, full.Length)))
        from ones in Gen.ArrayOf(Gen.Frequency((3, Gen.Constant(false)), (1, Gen.Constant(true))), full.Length)
        select full.Skip(drop).Select((d, i) => ones[i + drop] ? 1 : d).ToArray();

    /// <summary>A set of distinct axes of a rank-<paramref name="rank"/> tensor, some written negative; may be empty (= all).</summary>
    public static Gen<int[]> Axes(int rank) =>
        from pick in Gen.ArrayOf(Gen.Elements(true, false), rank)
        from negative in Gen.ArrayOf(Gen.Elements(true, false), rank)
        select Enumerable.Range(0, rank).Where(a => pick[a]).Select(a => negative[a] ? a - rank : a).ToArray();

    /// <summary>One axis of a rank-<paramref name="rank"/> tensor (rank &gt;= 1), positive or negative.</summary>
    public static Gen<int> Axis(int rank) =>
        from a in Gen.Choose(0, rank - 1)
        from negative in Gen.Elements(true, false)
        select negative ? a - rank : a;

    /// <summary><paramref name="count"/> indices in 0..n-1.</summary>
    public static Gen<int[]> Indices(int count, int n) => Gen.ArrayOf(Gen.Choose(0, n - 1), count);
}
