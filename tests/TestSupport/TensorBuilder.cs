using GsdmCore.Backends;

namespace GsdmCore.TestSupport;

/// <summary>Builds a tensor holding given logical values behind a chosen memory layout.</summary>
public static class TensorBuilder
{
    /// <summary>Padding value for narrowed storage: any read of it poisons a float result.</summary>
    public const double FloatPad = double.NaN;
    /// <summary>Padding value for narrowed I32 storage: an index no axis accepts.</summary>
    public const int IntPad = -1000;

    /// <summary>A contiguous tensor of <paramref name="dtype"/> holding <paramref name="values"/>.</summary>
    public static Tensor FromValues(double[] values, int[] shape, DType dtype) => dtype switch
    {
        DType.F32 => Tensor.FromArray(values.Select(v => (float)v).ToArray(), shape),
        DType.F64 => Tensor.FromArray((double[])values.Clone(), shape),
        DType.I32 => Tensor.FromArray(values.Select(v => double.IsNaN(v) ? IntPad : (int)v).ToArray(), shape),
        _ => throw new ArgumentOutOfRangeException(nameof(dtype)),
    };

    /// <summary>
    /// A tensor whose logical row-major values are <paramref name="reference"/>'s, stored per <paramref name="view"/>
    /// (details drawn from <paramref name="rng"/>). Broadcast is not a layout of arbitrary values: see <see cref="InputSpec"/>.
    /// </summary>
    public static Tensor Build(NdArray reference, ViewKind view, Random rng, DType dtype)
    {
        switch (view)
        {
            case ViewKind.Contiguous: return FromValues(reference.Data, reference.Shape, dtype);
            case ViewKind.Transposed:
            {
                var perm = Permutation(reference.Rank, rng);
                var stored = FromValues(reference.Permute(perm).Data, perm.Select(a => reference.Shape[a]).ToArray(), dtype);
                return stored.Permute(Inverse(perm));
            }
            case ViewKind.Narrowed: return Narrowed(reference, rng, dtype);
            case ViewKind.TransposedNarrowed:
            {
                var perm = Permutation(reference.Rank, rng);
                return Narrowed(reference.Permute(perm), rng, dtype).Permute(Inverse(perm));
            }
            default: throw new ArgumentException($"{view} cannot hold arbitrary values.");
        }
    }

    /// <summary>Storage [3, d0 + pads, ...] filled with padding; the values sit at [1, pads...]; returns the view of them.</summary>
    private static Tensor Narrowed(NdArray reference, Random rng, DType dtype)
    {
        int rank = reference.Rank;
        var before = new int[rank];
        var after = new int[rank];
        for (int a = 0; a < rank; a++) { before[a] = rng.Next(3); after[a] = rng.Next(3); }
        int[] outer = [3, .. reference.Shape.Select((d, a) => d + before[a] + after[a])];
        var storage = NdArray.Build(outer, index =>
        {
            if (index[0] != 1) return FloatPad;
            var inner = new int[rank];
            for (int a = 0; a < rank; a++)
            {
                inner[a] = index[a + 1] - before[a];
                if (inner[a] < 0 || inner[a] >= reference.Shape[a]) return FloatPad;
            }
            return reference[inner];
        });
        var view = FromValues(storage.Data, storage.Shape, dtype).Select(0, 1);
        for (int a = 0; a < rank; a++) view = view.Narrow(a, before[a], reference.Shape[a]);
        return view;
    }

    /// <summary>A random permutation of 0..rank-1 that is not the identity when rank &gt;= 2.</summary>
    public static int[] Permutation(int rank, Random rng)
    {
        var perm = Enumerable.Range(0, rank).ToArray();
        if (rank < 2) return perm;
        do rng.Shuffle(perm); while (perm.Select((p, i) => p == i).All(x => x));
        return perm;
    }

    public static int[] Inverse(int[] perm)
    {
        var inverse = new int[perm.Length];
        for (int i = 0; i < perm.Length; i++) inverse[perm[i]] = i;
        return inverse;
    }
}
