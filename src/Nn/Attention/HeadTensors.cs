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

    /// <summary>
    /// q, k and v as a fused attention op reads them (<see cref="UnitStride"/>), after checking that they share one
    /// device (a <see cref="TensorDeviceException"/> naming <paramref name="op"/> otherwise).
    /// </summary>
    public static (Tensor Q, Tensor K, Tensor V) Inputs(string op, Tensor q, Tensor k, Tensor v)
    {
        if (k.Device != q.Device || v.Device != q.Device)
            throw new TensorDeviceException(op, $"q, k and v must be on one device, got {q.Device}, {k.Device}, {v.Device}; move them with .To(device).");
        return (UnitStride(q), UnitStride(k), UnitStride(v));
    }

    /// <summary>Whether a fused attention op over q, k and v records its backward.</summary>
    public static bool RecordsGradient(Tensor q, Tensor k, Tensor v) =>
        GradMode.IsEnabled && (q.RequiresGrad || k.RequiresGrad || v.RequiresGrad);

    /// <summary>
    /// The gradient targets of a fused attention op's backward: for each input that requires a gradient an
    /// uninitialised tensor laid out like it (<see cref="EmptyLike"/>), otherwise null; and a layout to pass for the
    /// null ones.
    /// </summary>
    public static (Tensor? Dq, Tensor? Dk, Tensor? Dv, Backends.Layout None) GradientTargets(Tensor q, Tensor k, Tensor v) =>
        (q.RequiresGrad ? EmptyLike(q) : null, k.RequiresGrad ? EmptyLike(k) : null, v.RequiresGrad ? EmptyLike(v) : null, q.Layout);
}
