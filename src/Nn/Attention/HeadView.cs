using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using GsdmCore.Backends.Cpu;

namespace GsdmCore.Nn;

/// <summary>
/// Raw access to a [B, H, N, Dh] float tensor on the CPU whose last axis has unit stride: the row of
/// (batch, head, node) starts at Offset + b*SB + h*SH + i*SN in the buffer.
/// </summary>
internal readonly struct HeadView<T> where T : unmanaged
{
    public readonly T[] Data;
    public readonly int Offset, SB, SH, SN;

    public HeadView(Tensor t)
    {
        Data = ((CpuBuffer)t.Buffer).As<T>();
        var l = t.Layout;
        Offset = l.Offset;
        SB = l.Strides[0];
        SH = l.Strides[1];
        SN = l.Strides[2];
    }

    /// <summary>Reference to element 0 of row (b, h, i).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref T Row(int b, int h, int i) =>
        ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(Data), Offset + b * SB + h * SH + i * SN);

    /// <summary>
    /// The view itself when its last axis has unit stride and it lives on the CPU, otherwise a contiguous copy
    /// (recorded, so gradients still flow to the original).
    /// </summary>
    public static Tensor UnitStride(Tensor t)
    {
        if (t.Buffer is not CpuBuffer)
            throw new TensorDeviceException("sparse_attention", $"the fused kernel runs on the CPU; the input is on {t.Device}.");
        return t.Layout.Strides[3] == 1 || t.Dim(3) == 1 ? t : t.Contiguous();
    }

    /// <summary>Zeros of [B, H, N, Dh] whose memory is ordered [B, N, H, Dh], so that merging heads back to [B, N, H*Dh] is free.</summary>
    public static Tensor NodeMajorZeros(int b, int h, int n, int d, GsdmCore.Backends.DType dtype)
    {
        using (GradMode.Disable()) return Tensor.Zeros([b, n, h, d], dtype).Permute(0, 2, 1, 3);
    }
}
