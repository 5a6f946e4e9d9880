using GsdmCore.Backends;

namespace GsdmCore;

/// <summary>
/// An n-dimensional array: a view (shape, strides, offset) over a buffer on one device. View ops
/// never copy; ops that need contiguous memory copy only when the view is not.
/// Ops record a <see cref="GradNode"/> when <see cref="GradMode.IsEnabled"/> and an input requires a gradient.
/// </summary>
public sealed partial class Tensor
{
    private bool _requiresGrad;

    /// <summary>The memory this tensor views (shared with other views of it).</summary>
    public IBuffer Buffer { get; private set; }
    /// <summary>Shape, strides and offset into <see cref="Buffer"/>.</summary>
    public Layout Layout { get; private set; }
    /// <summary>Element type.</summary>
    public DType DType => Buffer.DType;
    /// <summary>Where the memory lives.</summary>
    public Device Device { get; private set; }
    /// <summary>The op that produced this tensor, when it was recorded; null for leaves.</summary>
    public GradNode? Node { get; private set; }
    /// <summary>Accumulated gradient of a leaf after <c>Backward()</c>.</summary>
    public Tensor? Grad { get; set; }

    internal Tensor(IBuffer buffer, Layout layout, Device device, long serial)
    {
        Buffer = buffer;
        Layout = layout;
        Device = device;
        Serial = serial;
    }

    // Numbers the buffers Empty allocates, in allocation order; every view of a buffer carries its number.
    private static long _lastSerial;

    /// <summary>
    /// The allocation number of <see cref="Buffer"/>: a tensor whose number is above <see cref="LastSerial"/> read
    /// before some code ran views memory that code allocated (backward uses this to sum gradients in place).
    /// </summary>
    internal long Serial { get; private set; }

    /// <summary>The number of the latest buffer allocated by <see cref="Empty"/> on any thread.</summary>
    internal static long LastSerial => Interlocked.Read(ref _lastSerial);

    /// <summary>
    /// Whether gradients flow to this tensor. Settable on leaves (tensors not produced by a recorded op) of a
    /// float type; true on every tensor produced by a recorded op.
    /// </summary>
    public bool RequiresGrad
    {
        get => _requiresGrad;
        set
        {
            if (Node != null)
                throw new AutogradException("requires_grad", "only leaf tensors can change RequiresGrad; call Detach() for a leaf copy of this result.");
            if (value && !DType.IsFloat())
                throw new AutogradException("requires_grad", $"only float tensors can require gradients, this one is {DType}.");
            _requiresGrad = value;
        }
    }

    /// <summary>True when no recorded op produced this tensor.</summary>
    public bool IsLeaf => Node == null;

    /// <summary>A copy of the extents of each axis.</summary>
    public int[] Shape => (int[])Layout.Shape.Clone();
    /// <summary>Number of axes.</summary>
    public int Rank => Layout.Rank;
    /// <summary>Number of elements.</summary>
    public int Count => Layout.Count;
    /// <summary>The extent of <paramref name="axis"/> (negative counts from the end).</summary>
    public int Dim(int axis) => Layout.Shape[Checks.Axis("dim", axis, Rank)];
    /// <summary>True when the elements are row-major and gap-free (always for an empty tensor).</summary>
    public bool IsContiguous => Layout.IsContiguous;

    internal Backend Backend => Buffer.Backend;

    /// <summary>Marks this tensor as requiring gradients and returns it (for fluent set-up).</summary>
    public Tensor RequireGrad()
    {
        RequiresGrad = true;
        return this;
    }

    /// <summary>A view of the same memory that is cut from the graph: a leaf that requires no gradient.</summary>
    public Tensor Detach() => new(Buffer, Layout, Device, Serial);

    /// <summary>Records <paramref name="kind"/> as the producer of this tensor when the inputs call for it.</summary>
    internal Tensor Recorded(OpKind kind, object? attr, params ReadOnlySpan<Tensor> inputs)
    {
        if (!GradMode.IsEnabled) return this;
        foreach (var input in inputs)
        {
            if (!input.RequiresGrad) continue;
            // The inputs array is made only for a recorded op: unrecorded ops (backward, GradMode.Disable) allocate none.
            Node = new GradNode(kind, inputs.ToArray(), attr, this);
            _requiresGrad = true;
            break;
        }
        return this;
    }

    /// <summary>Records a fused op with its own backward rule (used by layers that fuse kernels).</summary>
    public Tensor RecordCustom(ICustomGrad rule, params ReadOnlySpan<Tensor> inputs) => Recorded(OpKind.Custom, rule, inputs);

    /// <summary>
    /// Moves this leaf tensor's memory to <paramref name="device"/> in place: the same object (so every layer field
    /// and name that refers to it stays valid) now views a contiguous copy there. Its gradient is dropped. For module
    /// parameters (<c>Module.To</c>); views of the old memory keep the old memory.
    /// </summary>
    /// <exception cref="AutogradException">The tensor was produced by a recorded op.</exception>
    public void MoveTo(Device device)
    {
        if (!IsLeaf)
            throw new AutogradException("move_to", "only leaf tensors (parameters) can be moved in place; use .To(device) for a copy.");
        if (device == Device) return;
        Tensor moved;
        using (TensorScope.Suspend()) moved = To(device);
        Buffer = moved.Buffer;
        Layout = moved.Layout;
        Device = device;
        Serial = moved.Serial;
        Grad = null;
    }

    /// <summary>
    /// A fresh contiguous tensor of <paramref name="shape"/> on <paramref name="device"/> (default
    /// <see cref="GsdmCore.Device.Current"/>) whose contents are
    /// unspecified (pooled memory is reused as is): for outputs that are about to be overwritten in full.
    /// </summary>
    public static Tensor Empty(int[] shape, DType dtype = DType.F32, Device? device = null)
    {
        Checks.Shape("empty", shape);
        var layout = Layout.Contiguous(shape);
        var on = device ?? Device.Current;
        var buffer = on.Backend.Allocate(layout.Count, dtype);
        TensorScope.Track(buffer);
        return new Tensor(buffer, layout, on, Interlocked.Increment(ref _lastSerial));
    }

    /// <summary>A view of this tensor's buffer with another layout (no recording).</summary>
    internal Tensor WithLayout(Layout layout) => new(Buffer, layout, Device, Serial);

    /// <summary>
    /// this += <paramref name="other"/> in place, not recorded. This tensor must be contiguous from the start of its
    /// buffer and nothing else may view that memory; <paramref name="other"/> has the same shape, dtype and device.
    /// </summary>
    internal void AddInPlace(Tensor other)
    {
        if (!IsContiguous || Layout.Offset != 0 || !other.Layout.Shape.AsSpan().SequenceEqual(Layout.Shape) || other.DType != DType || other.Device != Device)
            throw new TensorShapeException("add_in_place", $"cannot add {Checks.S(other.Layout.Shape)} ({other.DType}, {other.Device}) into {Checks.S(Layout.Shape)} ({DType}, {Device}, contiguous: {IsContiguous}, offset {Layout.Offset}).");
        Backend.Binary(BinaryOp.Add, Buffer, Layout, other.Buffer, other.Layout, Buffer);
    }

    /// <inheritdoc />
    public override string ToString() => TensorFormatter.Format(this);
}
