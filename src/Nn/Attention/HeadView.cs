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

    /// <summary>
    /// An uninitialised [B, H, N, Dh] tensor (for outputs a kernel writes in full) whose memory is ordered
    /// [B, N, H, Dh], so that merging heads back to [B, N, H*Dh] is free.
    /// </summary>
    public static Tensor NodeMajorEmpty(int b, int h, int n, int d, GsdmCore.Backends.DType dtype)
    {
        using (GradMode.Disable()) return Tensor.Empty([b, n, h, d], dtype).Permute(0, 2, 1, 3);
    }

    /// <summary>
    /// An uninitialised [B, H, N, Dh] gradient laid out like <paramref name="input"/>: head-major (contiguous)
    /// when the input is, otherwise node-major. Accumulating it into a leaf or flowing it back through the view
    /// that made the input then copies nothing, or one contiguous block.
    /// </summary>
    public static Tensor EmptyLike(Tensor input)
    {
        var l = input.Layout;
        if (l.Strides[1] >= l.Strides[2] * l.Shape[2] || l.Shape[1] == 1)
            return Tensor.Empty([l.Shape[0], l.Shape[1], l.Shape[2], l.Shape[3]], input.DType);
        return NodeMajorEmpty(l.Shape[0], l.Shape[1], l.Shape[2], l.Shape[3], input.DType);
    }
}
