using GsdmCore.Backends;

namespace GsdmCore;

public sealed partial class Tensor
{
    /// <summary>
    /// Batched matrix product over the last two axes ([..., M, K] x [..., K, N] -> [..., M, N]); leading axes
    /// broadcast. Transposed views (e.g. <c>b.MT</c>) are read in place, without a copy.
    /// </summary>
    public Tensor Matmul(Tensor other) => MatmulCore("matmul", other, null, null);

    /// <summary>
    /// <c>addend (+ addend2) + this.Matmul(other)</c> in one pass over the output (PyTorch's addmm / baddbmm): the
    /// addends, broadcast to the product's shape, are written into the output (summed, when there are two) and the
    /// product accumulated onto them, so a linear layer's bias and a residual cost no separate adds. Each addend must
    /// broadcast to the product's shape without enlarging it. Gradients are those of the composed ops.
    /// </summary>
    public Tensor MatmulAdd(Tensor other, Tensor addend, Tensor? addend2 = null) => MatmulCore("matmul_add", other, addend, addend2);

    private Tensor MatmulCore(string op, Tensor other, Tensor? addend, Tensor? addend2)
    {
        if (Rank < 2 || other.Rank < 2)
            throw new TensorShapeException(op, $"needs operands of rank >= 2, got {Checks.S(Layout.Shape)} and {Checks.S(other.Layout.Shape)}; add an axis with Unsqueeze.");
        var (m, k, n) = ProductDims(op, other);
        int[] batchShape;
        try
        {
            batchShape = Checks.Broadcast(op, Layout.Shape[..^2], other.Layout.Shape[..^2]);
        }
        catch (TensorShapeException e)
        {
            // The broadcast check only sees the batch axes; name the operands the caller passed.
            throw new TensorShapeException(op, $"batch axes of lhs {Checks.S(Layout.Shape)} and rhs {Checks.S(other.Layout.Shape)} do not broadcast: {e.Message[(op.Length + 2)..]}");
        }
        var a = MatrixOperand(this, batchShape, m, k, out bool transA, out int lda, out long strideA);
        var b = MatrixOperand(other, batchShape, k, n, out bool transB, out int ldb, out long strideB);
        var y = Empty([.. batchShape, m, n], DType, Device);
        int batch = Layout.ShapeCount(batchShape);
        // A bias-like addend (one value per column) and a contiguous addend of the product's shape (a residual) are read
        // by the GEMM as it writes each tile; a broadcast one, or the sum of two that are neither, is written into y
        // first and the product accumulated onto it.
        var (columns, start, start2) = (default(Tensor), addend, addend2);
        if (k > 0 && addend != null)
        {
            if (IsRow(addend, y) && addend2 == null) (columns, start) = (addend, null);
            else if (addend2 != null && IsRow(addend2, y)) (columns, start2) = (addend2, null);
            else if (addend2 != null && IsRow(addend, y)) (columns, start, start2) = (addend, addend2, null);
        }
        Tensor? matrix = null;
        if (start != null && start2 == null && k > 0 && start.IsContiguous && start.Layout.Shape.AsSpan().SequenceEqual(y.Layout.Shape))
            (matrix, start) = (start, null);
        CheckFused(op, columns);
        CheckFused(op, matrix);
        if (start != null) StartFrom(op, y, start, start2);
        if (y.Count > 0)
        {
            if (k == 0) { if (addend == null) Backend.Fill(y.Buffer, y.Layout, 0); }
            else
            {
                var dims = new MatmulDims(batch, m, n, k, transA, transB,
                    a.Layout.Offset, strideA, lda, b.Layout.Offset, strideB, ldb, 0, (long)m * n, n, Accumulate: start != null);
                if (columns == null && matrix == null) Backend.Matmul(a.Buffer, b.Buffer, y.Buffer, dims);
                else Backend.Matmul(a.Buffer, b.Buffer, y.Buffer, dims,
                    new MatmulAddends(matrix?.Buffer, matrix?.Layout.Offset ?? 0, columns?.Buffer, columns?.Layout.Offset ?? 0));
            }
        }
        if (addend == null) return y.Recorded(OpKind.Matmul, null, this, other);
        return addend2 == null ? y.Recorded(OpKind.MatmulAdd, null, this, other, addend) : y.Recorded(OpKind.MatmulAdd, null, this, other, addend, addend2);
    }

    /// <summary>
    /// The product of two matrices ([M, K] x [K, N]) and the sums of this matrix's rows ([M], over K) from one pass over
    /// it: a linear layer's weight gradient g^T x and its bias gradient, the column sums of g
    /// (<c>g.MT.MatmulWithRowSums(x, out var db)</c>), with g read from memory once. The values are those of
    /// <see cref="Matmul"/> and <c>Sum(1)</c>, though the sums may round differently. While gradients are recorded and an
    /// operand requires one, it runs as those two ops, so both results are differentiable.
    /// </summary>
    /// <exception cref="TensorShapeException">An operand is not a matrix, or the inner dimensions differ.</exception>
    public Tensor MatmulWithRowSums(Tensor other, out Tensor rowSums)
    {
        const string op = "matmul_row_sums";
        ArgumentNullException.ThrowIfNull(other);
        if (Rank != 2 || other.Rank != 2)
            throw new TensorShapeException(op, $"needs two matrices, got {Checks.S(Layout.Shape)} and {Checks.S(other.Layout.Shape)}; for batches use Matmul and Sum.");
        var (m, k, n) = ProductDims(op, other);
        if ((GradMode.IsEnabled && (RequiresGrad || other.RequiresGrad)) || m == 0 || n == 0 || k == 0)
        {
            rowSums = Sum(1);
            return Matmul(other);
        }
        var a = MatrixOperand(this, [], m, k, out bool transA, out int lda, out _);
        var b = MatrixOperand(other, [], k, n, out bool transB, out int ldb, out _);
        var y = Empty([m, n], DType, Device);
        rowSums = Empty([m], DType, Device);
        var dims = new MatmulDims(1, m, n, k, transA, transB, a.Layout.Offset, 0, lda, b.Layout.Offset, 0, ldb, 0, (long)m * n, n);
        Backend.MatmulWithRowSums(a.Buffer, b.Buffer, y.Buffer, dims, rowSums.Buffer);
        return y;
    }

    /// <summary>
    /// The product's M, K and N from the last two axes of this tensor and <paramref name="other"/> (both of rank 2 or
    /// more), after checking that the operands share device and float dtype and that their inner dimensions agree.
    /// </summary>
    private (int M, int K, int N) ProductDims(string op, Tensor other)
    {
        Checks.SameDevice(op, this, other);
        Checks.SameDType(op, this, other);
        Checks.Float(op, this);
        int m = Layout.Shape[^2], k = Layout.Shape[^1], n = other.Layout.Shape[^1];
        if (other.Layout.Shape[^2] != k)
            throw new TensorShapeException(op, $"inner dimensions differ (lhs {Checks.S(Layout.Shape)}, rhs {Checks.S(other.Layout.Shape)}): {k} vs {other.Layout.Shape[^2]}.");
        return (m, k, n);
    }

    /// <summary>An addend the GEMM reads itself must be on this tensor's device, in its dtype.</summary>
    private void CheckFused(string op, Tensor? addend)
    {
        if (addend == null) return;
        Checks.SameDevice(op, this, addend);
        Checks.SameDType(op, this, addend);
    }

    /// <summary>Whether <paramref name="t"/> is one contiguous row of y's width that broadcasts to y ([n], [1, n], ...).</summary>
    private static bool IsRow(Tensor t, Tensor y) =>
        t.Rank <= y.Rank && t.Rank >= 1 && t.Layout.Shape[^1] == y.Layout.Shape[^1] && t.Count == t.Layout.Shape[^1]
        && (t.Layout.Strides[^1] == 1 || t.Count == 1);

    /// <summary>Writes <paramref name="addend"/> (+ <paramref name="addend2"/>), broadcast to y's shape, into y.</summary>
    private void StartFrom(string op, Tensor y, Tensor addend, Tensor? addend2)
    {
        Checks.SameDevice(op, this, addend);
        Checks.SameDType(op, this, addend);
        var first = addend.BroadcastView(op, y.Layout.Shape);
        if (addend2 == null)
        {
            if (y.Count > 0) Backend.Copy(addend.Buffer, first.Layout, y.Buffer, y.Layout);
            return;
        }
        Checks.SameDevice(op, this, addend2);
        Checks.SameDType(op, this, addend2);
        var second = addend2.BroadcastView(op, y.Layout.Shape);
        if (y.Count > 0) Backend.Binary(BinaryOp.Add, addend.Buffer, first.Layout, addend2.Buffer, second.Layout, y.Buffer);
    }

    /// <summary>
    /// The operand broadcast to batchShape + [rows, cols] as a strided batch of row- or column-major matrices;
    /// copies only when its layout cannot be described that way.
    /// </summary>
    private static Tensor MatrixOperand(Tensor t, int[] batchShape, int rows, int cols, out bool transposed, out int ld, out long batchStride)
    {
        var view = t.BroadcastView("matmul", [.. batchShape, rows, cols]);
        if (TryDescribe(view.Layout, rows, cols, out transposed, out ld, out batchStride)) return view;
        view = view.Detach().Contiguous();
        TryDescribe(view.Layout, rows, cols, out transposed, out ld, out batchStride);
        return view;
    }

    private static bool TryDescribe(Layout l, int rows, int cols, out bool transposed, out int ld, out long batchStride)
    {
        transposed = false;
        ld = 0;
        batchStride = 0;
        int rs = l.Strides[^2], cs = l.Strides[^1];
        if ((cs == 1 || cols == 1) && (rs >= cols || rows == 1)) ld = Math.Max(rs, cols);
        else if ((rs == 1 || rows == 1) && (cs >= rows || cols == 1)) { transposed = true; ld = Math.Max(cs, rows); }
        else return false;
        if (ld == 0) ld = 1;

        // All batch axes must collapse to one stride (0 for a broadcast batch).
        long expected = -1;
        for (int axis = l.Rank - 3; axis >= 0; axis--)
        {
            if (l.Shape[axis] == 1) continue;
            if (expected < 0) { batchStride = l.Strides[axis]; expected = batchStride * l.Shape[axis]; continue; }
            if (l.Strides[axis] != expected && !(batchStride == 0 && l.Strides[axis] == 0)) return false;
            expected = l.Strides[axis] * (long)l.Shape[axis];
        }
        return true;
    }

    /// <summary>Softmax along <paramref name="axis"/>.</summary>
    public Tensor Softmax(int axis = -1) => SoftmaxCore(axis, log: false);

    /// <summary>Log-softmax along <paramref name="axis"/> (computed directly, never as log of softmax).</summary>
    public Tensor LogSoftmax(int axis = -1) => SoftmaxCore(axis, log: true);

    private Tensor SoftmaxCore(int axis, bool log)
    {
        string op = log ? "log_softmax" : "softmax";
        Checks.Float(op, this);
        int a = Checks.Axis(op, axis, Rank);
        var order = Checks.Iota(Rank);
        (order[a], order[^1]) = (order[^1], order[a]);
        var moved = new Layout(Checks.Pick(Layout.Shape, order), Checks.Pick(Layout.Strides, order), Layout.Offset);
        var y = Empty(moved.Shape, DType, Device);
        if (y.Count > 0) Backend.Softmax(Buffer, moved, log, y.Buffer);
        // The swap is its own inverse.
        var back = new Layout(Checks.Pick(y.Layout.Shape, order), Checks.Pick(y.Layout.Strides, order), 0);
        return y.WithLayout(back).Recorded(log ? OpKind.LogSoftmax : OpKind.Softmax, a, this);
    }
}
