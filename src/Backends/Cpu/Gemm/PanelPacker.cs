using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace GsdmCore.Backends.Cpu;

/// <summary>
/// Copies a block of an operand into the packed panel layout the micro-kernels read: panels of
/// <c>width</c> lines, each storing, for every step p, its <c>width</c> values contiguously, zero-padded.
/// </summary>
/// <remarks>
/// The same routine packs A (lines = rows of op(A), width MR) and B (lines = columns of op(B), width NR).
/// Whether the source is transposed only changes which of the two strides is 1, so transposition is
/// absorbed here and the kernels see a single layout.
/// </remarks>
internal static unsafe class PanelPacker
{
    /// <summary>
    /// Packs <paramref name="count"/> lines into ceil(count / width) consecutive panels of
    /// <c>width * kc</c> values: panel q holds lines [q * width, q * width + width), with
    /// <c>panel[p * width + r] = src[(q * width + r) * lineStride + p * stepStride]</c> and zeros past the last line.
    /// One of the two strides must be 1, as it is for any row-major operand.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Pack<T>(T* src, nint lineStride, nint stepStride, int count, int kc, int width, T* dst)
        where T : unmanaged, INumberBase<T>
    {
        Debug.Assert(lineStride == 1 || stepStride == 1, "A row-major operand has a unit stride.");
        nint panelSize = (nint)width * kc;
        if (lineStride == 1)
        {
            // Walk the source one step (one stored row) at a time so reads stay sequential.
            for (int p = 0; p < kc; p++)
            {
                T* s = src + p * stepStride;
                T* d = dst + (nint)p * width;
                int q = 0;
                // Six-wide panels (the AVX2 kernel's A), every step but the last: one 256-bit move per panel, whose two
                // extra values land on the next step's place in the same panel, written over when that step is packed.
                // Only where the source has the two values after the panel's six (not past the last line).
                if (typeof(T) == typeof(float) && width == 6 && p < kc - 1 && Vector256.IsHardwareAccelerated)
                    for (; (q + 1) * width + 2 <= count; q++)
                        Vector256.Load((float*)(s + q * width)).Store((float*)(d + q * panelSize));
                for (; q * width < count; q++)
                {
                    int lines = Math.Min(width, count - q * width);
                    CopyShort(s + q * width, d + q * panelSize, lines);
                    for (int r = lines; r < width; r++)
                    {
                        d[q * panelSize + r] = T.Zero;
                    }
                }
            }

            return;
        }

        for (int q = 0; q * width < count; q++)
        {
            int lines = Math.Min(width, count - q * width);
            T* s = src + q * width * lineStride;
            T* d = dst + q * panelSize;
            PackContiguousSteps(s, lineStride, lines, kc, width, d);
        }
    }

    /// <summary>Each line is contiguous along the steps: a transpose into one panel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackContiguousSteps<T>(T* src, nint lineStride, int count, int kc, int width, T* dst)
        where T : unmanaged, INumberBase<T>
    {
        int r = 0;
        if (typeof(T) == typeof(float) && Sse.IsSupported)
        {
            for (; r + 4 <= count; r += 4)
            {
                TransposeFourLines((float*)(src + r * lineStride), lineStride, kc, width, (float*)(dst + r));
            }

            // The AVX2 kernel's panels are six lines wide: without this, a third of every packed A went value by value.
            for (; r + 2 <= count; r += 2)
            {
                TransposeTwoLines((float*)(src + r * lineStride), lineStride, kc, width, (float*)(dst + r));
            }
        }

        for (; r < count; r++)
        {
            T* s = src + r * lineStride;
            T* d = dst + r;
            for (int p = 0; p < kc; p++)
            {
                d[(nint)p * width] = s[p];
            }
        }

        for (; r < width; r++)
        {
            T* d = dst + r;
            for (int p = 0; p < kc; p++)
            {
                d[(nint)p * width] = T.Zero;
            }
        }
    }

    /// <summary>Transposes four source lines, four steps at a time, into four adjacent panel columns.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransposeFourLines(float* src, nint lineStride, int kc, int width, float* dst)
    {
        float* s0 = src;
        float* s1 = src + lineStride;
        float* s2 = src + 2 * lineStride;
        float* s3 = src + 3 * lineStride;
        nint w = width;
        int p = 0;
        for (; p + 4 <= kc; p += 4)
        {
            Vector128<float> r0 = Sse.LoadVector128(s0 + p);
            Vector128<float> r1 = Sse.LoadVector128(s1 + p);
            Vector128<float> r2 = Sse.LoadVector128(s2 + p);
            Vector128<float> r3 = Sse.LoadVector128(s3 + p);
            Vector128<float> t0 = Sse.UnpackLow(r0, r1);
            Vector128<float> t1 = Sse.UnpackLow(r2, r3);
            Vector128<float> t2 = Sse.UnpackHigh(r0, r1);
            Vector128<float> t3 = Sse.UnpackHigh(r2, r3);
            float* d = dst + p * w;
            Sse.Store(d, Sse.MoveLowToHigh(t0, t1));
            Sse.Store(d + w, Sse.MoveHighToLow(t1, t0));
            Sse.Store(d + 2 * w, Sse.MoveLowToHigh(t2, t3));
            Sse.Store(d + 3 * w, Sse.MoveHighToLow(t3, t2));
        }

        for (; p < kc; p++)
        {
            float* d = dst + p * w;
            d[0] = s0[p];
            d[1] = s1[p];
            d[2] = s2[p];
            d[3] = s3[p];
        }
    }

    /// <summary>Transposes two source lines, four steps at a time, into two adjacent panel columns.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransposeTwoLines(float* src, nint lineStride, int kc, int width, float* dst)
    {
        float* s0 = src;
        float* s1 = src + lineStride;
        nint w = width;
        int p = 0;
        for (; p + 4 <= kc; p += 4)
        {
            Vector128<float> r0 = Sse.LoadVector128(s0 + p);
            Vector128<float> r1 = Sse.LoadVector128(s1 + p);
            Vector128<float> low = Sse.UnpackLow(r0, r1);
            Vector128<float> high = Sse.UnpackHigh(r0, r1);
            float* d = dst + p * w;
            Sse.StoreLow(d, low);
            Sse.StoreHigh(d + w, low);
            Sse.StoreLow(d + 2 * w, high);
            Sse.StoreHigh(d + 3 * w, high);
        }

        for (; p < kc; p++)
        {
            float* d = dst + p * w;
            d[0] = s0[p];
            d[1] = s1[p];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyShort<T>(T* s, T* d, int n)
        where T : unmanaged
    {
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; j + Vector512<T>.Count <= n; j += Vector512<T>.Count)
            {
                Vector512.Load(s + j).Store(d + j);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            for (; j + Vector256<T>.Count <= n; j += Vector256<T>.Count)
            {
                Vector256.Load(s + j).Store(d + j);
            }
        }

        if (Vector128.IsHardwareAccelerated)
        {
            for (; j + Vector128<T>.Count <= n; j += Vector128<T>.Count)
            {
                Vector128.Load(s + j).Store(d + j);
            }

            // The rest as one vector ending at n, over values already copied (the AVX2 kernel's six-wide A panels).
            if (j < n && n >= Vector128<T>.Count)
            {
                Vector128.Load(s + n - Vector128<T>.Count).Store(d + n - Vector128<T>.Count);
                return;
            }
        }

        for (; j < n; j++)
        {
            d[j] = s[j];
        }
    }
}
