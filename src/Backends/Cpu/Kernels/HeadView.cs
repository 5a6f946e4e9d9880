using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace GsdmCore.Backends.Cpu;

/// <summary>
/// Raw access to a [B, H, N, Dh] view in host memory whose last axis has unit stride: the row of
/// (batch, head, node) starts at Offset + b*SB + h*SH + i*SN in the array.
/// </summary>
internal readonly struct HeadView<T> where T : unmanaged
{
    public readonly T[] Data;
    public readonly int Offset, SB, SH, SN;

    public HeadView(T[] data, Layout l)
    {
        Data = data;
        Offset = l.Offset;
        SB = l.Strides[0];
        SH = l.Strides[1];
        SN = l.Strides[2];
    }

    /// <summary>Reference to element 0 of row (b, h, i).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref T Row(int b, int h, int i) =>
        ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(Data), Offset + b * SB + h * SH + i * SN);
}
