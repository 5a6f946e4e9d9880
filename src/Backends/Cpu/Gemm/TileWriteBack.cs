using System.Numerics;
using System.Runtime.CompilerServices;

namespace GsdmCore.Backends.Cpu;

/// <summary>Merges a computed tile into a (possibly partial) region of C with the micro-kernels' rule.</summary>
internal static unsafe class TileWriteBack
{
    /// <summary>
    /// For the top-left <paramref name="rows"/> x <paramref name="cols"/> of <paramref name="tile"/>:
    /// <c>C = alpha * t</c> when <c>beta == 0</c>, otherwise <c>C = fma(t, alpha, beta * C)</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Merge<T>(T* tile, int ldt, T* c, nint ldc, int rows, int cols, T alpha, T beta)
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
                for (int j = 0; j < cols; j++)
                {
                    d[j] = T.FusedMultiplyAdd(t[j], alpha, beta * d[j]);
                }
            }
        }
    }
}
