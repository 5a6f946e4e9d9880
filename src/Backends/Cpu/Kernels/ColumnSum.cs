using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace GsdmCore.Backends.Cpu;

/// <summary>
/// Sums over axes that lie outside a unit-stride kept axis, as the gradient of a broadcast (a bias, a per-sample
/// or per-node embedding) needs: [2592, 128] summed over the rows gives [128]. The generic path would transpose
/// the reduced axes innermost first, reading with a stride of one row per element; here each output run of the
/// unit-stride axis instead accumulates whole input rows, in a fixed order of the reduced positions, so the
/// result is the same for any thread count.
/// </summary>
internal static class ColumnSum<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Output elements per work item: a run of the unit-stride axis.</summary>
    private const int Block = 512;

    /// <summary>
    /// True when <paramref name="xl"/> (kept axes first, then <paramref name="reducedAxes"/> reduced ones) keeps a
    /// unit-stride last axis long enough to run a vector over.
    /// </summary>
    public static bool Applies(Layout xl, int reducedAxes)
    {
        int lead = xl.Rank - reducedAxes;
        return lead >= 1 && reducedAxes >= 1 && xl.Strides[lead - 1] == 1 && xl.Shape[lead - 1] >= Vector<T>.Count;
    }

    /// <summary>y[kept] = sum over the reduced axes of x; y is contiguous over the kept axes.</summary>
    public static void Run(T[] x, Layout xl, int reducedAxes, T[] y)
    {
        int lead = xl.Rank - reducedAxes;
        int inner = xl.Shape[lead - 1];
        int outer = Layout.ShapeCount(xl.Shape.AsSpan(0, lead - 1));
        var shape = ArrayPool<int>.Shared.Rent(reducedAxes);
        var strides = ArrayPool<int>.Shared.Rent(reducedAxes);
        int rank = MergeReducedAxes(xl, lead, shape, strides);
        int positions = Layout.ShapeCount(shape.AsSpan(0, rank));
        int block = BlockWidth(inner, outer);
        int blocksPerRow = (inner + block - 1) / block;
        CpuParallel.For(outer * blocksPerRow, CpuParallel.Grain(Math.Min(block, inner) * Math.Max(positions, 1)),
            new Blocks(x, xl, lead, shape, strides, rank, positions, inner, block, blocksPerRow, y));
        ArrayPool<int>.Shared.Return(shape);
        ArrayPool<int>.Shared.Return(strides);
    }

    /// <summary>Items [start, end): item (o, k) sums the k-th run of <c>block</c> columns of outer index o.</summary>
    private readonly struct Blocks(T[] x, Layout xl, int lead, int[] shape, int[] strides, int rank, int positions, int inner, int block,
        int blocksPerRow, T[] y) : IRangeBody
    {
        public void Run(int start, int end)
        {
            for (int item = start; item < end; item++)
            {
                int o = item / blocksPerRow, from = (item - o * blocksPerRow) * block;
                int length = Math.Min(block, inner - from);
                int offset = OuterIndex.Offset(xl, lead - 1, o) + from;
                var walk = new Walk(shape, strides, rank, offset, positions);
                int c = 0;
                if (rank == 1 && Vector512.IsHardwareAccelerated)
                    c = SumStridedRows(x, offset, strides[0], positions, length, ref y[o * inner + from]);
                if (Vector256.IsHardwareAccelerated)
                {
                    for (; c + 4 * Vector256<T>.Count <= length; c += 4 * Vector256<T>.Count)
                        SumFourVectors(x, walk, c, ref y[o * inner + from + c]);
                    for (; c + Vector256<T>.Count <= length; c += Vector256<T>.Count)
                        SumVector(x, walk, c, ref y[o * inner + from + c]);
                }
                for (; c < length; c++)
                {
                    T sum = T.Zero;
                    foreach (int at in walk) sum += x[at + c];
                    y[o * inner + from + c] = sum;
                }
            }
        }
    }

    /// <summary>
    /// Columns per work item: up to <see cref="Block"/>, but narrower when a few outputs would otherwise leave
    /// threads idle (a bias gradient: one run of 128 columns over 2592 rows), down to four vectors. Each column is
    /// summed on its own in the same order whatever the width, so the width never changes a result.
    /// </summary>
    private static int BlockWidth(int inner, int outer)
    {
        int quad = 4 * (Vector512.IsHardwareAccelerated ? Vector512<T>.Count : Vector256<T>.Count), wanted = 2 * CpuParallel.MaxThreads;
        if (outer >= wanted) return Block;
        int width = (inner * outer + wanted - 1) / wanted;
        return Math.Clamp((width + quad - 1) / quad * quad, quad, Block);
    }

    /// <summary>
    /// The whole 512-bit vectors of columns [0, length) over rows that lie <paramref name="step"/> apart (one merged
    /// reduced axis, the usual case): a tight loop of four, then one accumulator per pass over the rows, each
    /// column's rows added in order as the general walk does. Returns the columns done.
    /// </summary>
    private static int SumStridedRows(T[] x, int offset, int step, int rows, int length, ref T y)
    {
        int w = Vector512<T>.Count, c = 0;
        ref T x0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(x), offset);
        for (; c + 4 * w <= length; c += 4 * w)
        {
            Vector512<T> a0 = default, a1 = default, a2 = default, a3 = default;
            ref T row = ref Unsafe.Add(ref x0, c);
            for (int i = 0; i < rows; i++, row = ref Unsafe.Add(ref row, step))
            {
                a0 += Vector512.LoadUnsafe(ref row);
                a1 += Vector512.LoadUnsafe(ref row, (nuint)w);
                a2 += Vector512.LoadUnsafe(ref row, (nuint)(2 * w));
                a3 += Vector512.LoadUnsafe(ref row, (nuint)(3 * w));
            }
            a0.StoreUnsafe(ref y, (nuint)c);
            a1.StoreUnsafe(ref y, (nuint)(c + w));
            a2.StoreUnsafe(ref y, (nuint)(c + 2 * w));
            a3.StoreUnsafe(ref y, (nuint)(c + 3 * w));
        }
        for (; c + w <= length; c += w)
        {
            var a = Vector512<T>.Zero;
            ref T row = ref Unsafe.Add(ref x0, c);
            for (int i = 0; i < rows; i++, row = ref Unsafe.Add(ref row, step)) a += Vector512.LoadUnsafe(ref row);
            a.StoreUnsafe(ref y, (nuint)c);
        }
        return c;
    }

    /// <summary>Sums 4 vectors' worth of columns over every reduced position, in registers.</summary>
    private static void SumFourVectors(T[] x, Walk walk, int column, ref T y)
    {
        int w = Vector256<T>.Count;
        Vector256<T> a0 = default, a1 = default, a2 = default, a3 = default;
        ref T x0 = ref MemoryMarshal.GetArrayDataReference(x);
        foreach (int at in walk)
        {
            ref T row = ref Unsafe.Add(ref x0, at + column);
            a0 += Vector256.LoadUnsafe(ref row);
            a1 += Vector256.LoadUnsafe(ref row, (nuint)w);
            a2 += Vector256.LoadUnsafe(ref row, (nuint)(2 * w));
            a3 += Vector256.LoadUnsafe(ref row, (nuint)(3 * w));
        }
        a0.StoreUnsafe(ref y);
        a1.StoreUnsafe(ref y, (nuint)w);
        a2.StoreUnsafe(ref y, (nuint)(2 * w));
        a3.StoreUnsafe(ref y, (nuint)(3 * w));
    }

    private static void SumVector(T[] x, Walk walk, int column, ref T y)
    {
        Vector256<T> a = default;
        ref T x0 = ref MemoryMarshal.GetArrayDataReference(x);
        foreach (int at in walk) a += Vector256.LoadUnsafe(ref Unsafe.Add(ref x0, at + column));
        a.StoreUnsafe(ref y);
    }

    /// <summary>
    /// The start offsets of the reduced positions, last axis fastest (an odometer; the bounds checks are the caller's),
    /// over the first <c>rank</c> entries of <c>shape</c> and <c>strides</c>.
    /// </summary>
    private readonly struct Walk(int[] shape, int[] strides, int rank, int start, int positions)
    {
        public Enumerator GetEnumerator() => new(shape, strides, rank, start, positions);

        public struct Enumerator(int[] shape, int[] strides, int rank, int start, int positions)
        {
            private readonly int[] _index = rank > 1 ? new int[rank] : [];
            private int _left = positions, _offset = start, _step = rank == 0 ? 0 : strides[rank - 1];
            private bool _started;

            public readonly int Current => _offset;

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public bool MoveNext()
            {
                if (!_started) { _started = true; return _left-- > 0; }
                if (_left-- <= 0) return false;
                if (_index.Length == 0) { _offset += _step; return true; }
                for (int a = _index.Length - 1; a >= 0; a--)
                {
                    _offset += strides[a];
                    if (++_index[a] < shape[a]) break;
                    _offset -= shape[a] * strides[a];
                    _index[a] = 0;
                }
                return true;
            }
        }
    }

    /// <summary>
    /// Writes the reduced axes with extent-1 axes dropped and adjacent axes merged where their strides allow into
    /// <paramref name="shape"/> and <paramref name="strides"/>; returns how many there are.
    /// </summary>
    private static int MergeReducedAxes(Layout xl, int lead, int[] shape, int[] strides)
    {
        int rank = 0;
        for (int a = lead; a < xl.Rank; a++)
        {
            if (xl.Shape[a] == 1) continue;
            if (rank > 0 && strides[rank - 1] == xl.Strides[a] * xl.Shape[a])
            {
                shape[rank - 1] *= xl.Shape[a];
                strides[rank - 1] = xl.Strides[a];
                continue;
            }
            shape[rank] = xl.Shape[a];
            strides[rank++] = xl.Strides[a];
        }
        return rank;
    }
}
