using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GsdmCore.Backends.Cpu;

/// <summary>Merges a computed tile into a (possibly partial) region of C with the micro-kernels' rule.</summary>
internal static unsafe class TileWriteBack
{
    /// <summary>
    /// For the top-left <paramref name="rows"/> x <paramref name="cols"/> of <paramref name="tile"/>:
    /// <c>C = alpha * t</c> when <c>beta == 0</c>, otherwise <c>C = fma(t, alpha, beta * C)</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Merge<T>(T* tile, int ldt, T* c, nint ldc, int rows, int cols, T alpha, T beta)
        where T : unmanaged, IFloatingPointIeee754<T> => Merge(tile, ldt, c, ldc, rows, cols, alpha, beta, c);

    /// <summary>As <see cref="Merge{T}(T*, int, T*, nint, int, int, T, T)"/>, with beta applied to <paramref name="source"/> (laid out as C) instead of C's old value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Merge<T>(T* tile, int ldt, T* c, nint ldc, int rows, int cols, T alpha, T beta, T* source)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (T.IsZero(beta))
        {
            for (int i = 0; i < rows; i++)
            {
                T* t = tile + (nint)i * ldt;
                T* d = c + i * ldc;
                for (int j = 0; j < cols; j++)
                {
                    d[j] = alpha * t[j];
                }
            }
        }
        else
        {
            for (int i = 0; i < rows; i++)
            {
                T* t = tile + (nint)i * ldt;
                T* d = c + i * ldc;
                T* s = source + i * ldc;
                for (int j = 0; j < cols; j++)
                {
                    d[j] = T.FusedMultiplyAdd(t[j], alpha, beta * s[j]);
                }
            }
        }
    }

    /// <summary>Adds columns[j] to element j of each of the <paramref name="rows"/> rows of a tile of C just written (in L1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddColumns<T>(T* c, nint ldc, int rows, int cols, T* columns)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = Vector512<T>.Count;
        if (Vector512.IsHardwareAccelerated && cols == 2 * w)
        {
            Vector512<T> c0 = Vector512.Load(columns), c1 = Vector512.Load(columns + w);
            for (int i = 0; i < rows; i++)
            {
                T* d = c + i * ldc;
                (Vector512.Load(d) + c0).Store(d);
                (Vector512.Load(d + w) + c1).Store(d + w);
            }

            return;
        }

        for (int i = 0; i < rows; i++)
        {
            T* d = c + i * ldc;
            int j = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                for (; j + Vector256<T>.Count <= cols; j += Vector256<T>.Count)
                {
                    (Vector256.Load(d + j) + Vector256.Load(columns + j)).Store(d + j);
                }
            }

            for (; j < cols; j++)
            {
                d[j] += columns[j];
            }
        }
    }
}
