namespace GsdmCore.Nn;

/// <summary>The [B, H, N, Dh] tensors the fused attention op reads and writes, laid out for it.</summary>
internal static class HeadTensors
{
    /// <summary>
    /// The view itself when its last axis has unit stride, otherwise a contiguous copy (recorded, so gradients still
    /// flow to the original).
    /// </summary>
    public static Tensor UnitStride(Tensor t) => t.Layout.Strides[3] == 1 || t.Dim(3) == 1 ? t : t.Contiguous();

    /// <summary>
    /// An uninitialised [B, H, N, Dh] tensor on <paramref name="device"/> (for outputs a kernel writes in full) whose
    /// memory is ordered [B, N, H, Dh], so that merging heads back to [B, N, H*Dh] is free.
    /// </summary>
    public static Tensor NodeMajorEmpty(int b, int h, int n, int d, Backends.DType dtype, Device device)
    {
        using (GradMode.Disable()) return Tensor.Empty([b, n, h, d], dtype, device).Permute(0, 2, 1, 3);
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
            return Tensor.Empty([l.Shape[0], l.Shape[1], l.Shape[2], l.Shape[3]], input.DType, input.Device);
        return NodeMajorEmpty(l.Shape[0], l.Shape[1], l.Shape[2], l.Shape[3], input.DType, input.Device);
    }
}
