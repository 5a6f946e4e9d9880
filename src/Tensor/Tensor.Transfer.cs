using GsdmCore.Backends;

namespace GsdmCore;

public sealed partial class Tensor
{
    /// <summary>
    /// A contiguous copy of this tensor on <paramref name="device"/> (this tensor when it is already there).
    /// The copy goes through host memory and is not recorded: it is a leaf, cut from the graph.
    /// </summary>
    public Tensor To(Device device)
    {
        if (device == Device) return this;
        var y = Empty(Layout.Shape, DType, device);
        switch (DType)
        {
            case DType.F32: Move<float>(this, y); break;
            case DType.F64: Move<double>(this, y); break;
            default: Move<int>(this, y); break;
        }
        return y;
    }

    private static void Move<T>(Tensor from, Tensor to) where T : unmanaged
    {
        if (from.Count == 0) return;
        var host = new T[from.Count];
        from.Backend.Download<T>(from.Buffer, from.Layout, host);
        to.Backend.Upload<T>(host, to.Buffer);
    }
}
