namespace GsdmCore.Backends;

/// <summary>
/// The primitives every device implements. src/Tensor has already checked shapes, dtypes and devices
/// before any call; kernels only check what only they can see (index values).
/// Output buffers are contiguous with the shape stated by each method; inputs may be any view.
/// </summary>
public abstract class Backend
{
    /// <summary>Short name used in messages ("cpu", "cuda:0").</summary>
    public abstract string Name { get; }

    /// <summary>Allocates <paramref name="count"/> elements; contents are unspecified.</summary>
    public abstract IBuffer Allocate(int count, DType dtype);

    /// <summary>Copies host data into the start of <paramref name="dst"/>.</summary>
    public abstract void Upload<T>(ReadOnlySpan<T> src, IBuffer dst) where T : unmanaged;

    /// <summary>Copies the view (<paramref name="src"/>, <paramref name="layout"/>) to host memory in row-major order.</summary>
    public abstract void Download<T>(IBuffer src, Layout layout, Span<T> dst) where T : unmanaged;

    /// <summary>Copies a view into another view of the same shape, converting the element type if they differ.</summary>
    public abstract void Copy(IBuffer src, Layout srcLayout, IBuffer dst, Layout dstLayout);

    /// <summary>Sets every element of the view to <paramref name="value"/>.</summary>
    public abstract void Fill(IBuffer dst, Layout layout, double value);

    /// <summary>dst[i] = start + i * step for i in [0, count).</summary>
    public abstract void Arange(IBuffer dst, int count, double start, double step);

    /// <summary>Fills dst[0..count) with element offset + i of the counter-based stream <paramref name="seed"/>.</summary>
    public abstract void Random(RandomKind kind, IBuffer dst, int count, ulong seed, ulong offset);

    /// <summary>y = op(x); y is contiguous with x's shape.</summary>
    public abstract void Unary(UnaryOp op, IBuffer x, Layout xl, IBuffer y);

    /// <summary>y = min(max(x, lo), hi); y contiguous.</summary>
    public abstract void Clamp(IBuffer x, Layout xl, double lo, double hi, IBuffer y);

    /// <summary>y = a op b; both layouts already broadcast (stride 0) to y's shape; y contiguous.</summary>
    public abstract void Binary(BinaryOp op, IBuffer a, Layout al, IBuffer b, Layout bl, IBuffer y);

    /// <summary>y = cond != 0 ? a : b; all three layouts already broadcast to y's shape.</summary>
    public abstract void Where(IBuffer cond, Layout cl, IBuffer a, Layout al, IBuffer b, Layout bl, IBuffer y);

    /// <summary>
    /// Reduces the last <paramref name="reducedAxes"/> axes of the view: y (contiguous) holds one value per
    /// index of the leading axes. Arg-reductions require reducedAxes = 1 and write I32.
    /// </summary>
    public abstract void Reduce(ReduceOp op, IBuffer x, Layout xl, int reducedAxes, IBuffer y);

    /// <summary>Softmax (or log-softmax) along the last axis; y contiguous.</summary>
    public abstract void Softmax(IBuffer x, Layout xl, bool log, IBuffer y);

    /// <summary>Batched matrix product described by <paramref name="d"/>; C is overwritten, or added to when <see cref="MatmulDims.Accumulate"/> is set.</summary>
    public abstract void Matmul(IBuffer a, IBuffer b, IBuffer c, in MatmulDims d);

    /// <summary>
    /// The product of <paramref name="d"/> started from and added to <paramref name="addends"/>: C = A B + the matrix
    /// (in place of C's old value; <see cref="MatmulDims.Accumulate"/> must be off when a matrix is given), then
    /// columns[j] added to column j of every row (a linear layer's bias), each sum rounded once. C must be contiguous
    /// (<see cref="MatmulDims.OffsetC"/> 0, <see cref="MatmulDims.Ldc"/> = N, <see cref="MatmulDims.StrideC"/> = M N), and
    /// so is the matrix, from its offset. This implementation copies the matrix into C and adds the columns in a
    /// second pass; a backend may read and add both while C is written.
    /// </summary>
    public virtual void Matmul(IBuffer a, IBuffer b, IBuffer c, in MatmulDims d, in MatmulAddends addends)
    {
        CheckFusedAddends("matmul", d, addends);
        var shape = new[] { d.Batch * d.M, d.N };
        var dims = d;
        if (addends.Matrix != null)
        {
            Copy(addends.Matrix, new Layout(shape, [d.N, 1], addends.MatrixOffset), c, Layout.Contiguous(shape));
            dims = d with { Accumulate = true };
        }
        Matmul(a, b, c, dims);
        if (addends.Columns != null)
            Binary(BinaryOp.Add, c, Layout.Contiguous(shape), addends.Columns, new Layout(shape, [0, 1], addends.ColumnsOffset), c);
    }

    /// <summary>
    /// The single product of <paramref name="d"/> (<see cref="MatmulDims.Batch"/> 1) and the sums over K of op(A)'s rows,
    /// written to <paramref name="rowSums"/> ([M], contiguous from its start): a linear layer's weight gradient g^T x and
    /// its bias gradient, the column sums of g. This implementation runs the product and then a reduction over A; a
    /// backend may sum A's blocks while the product reads them. The sums' rounding may differ from the reduction's.
    /// </summary>
    public virtual void MatmulWithRowSums(IBuffer a, IBuffer b, IBuffer c, in MatmulDims d, IBuffer rowSums)
    {
        CheckRowSums("matmul_row_sums", d);
        Matmul(a, b, c, d);
        Reduce(ReduceOp.Sum, a, RowsOfA(d), 1, rowSums);
    }

    /// <summary>op(A) of a single product as an [M, K] view of A's buffer.</summary>
    private static Layout RowsOfA(in MatmulDims d) =>
        new([d.M, d.K], d.TransA ? [1, d.Lda] : [d.Lda, 1], d.OffsetA);

    /// <summary>Throws unless <paramref name="d"/> is a single product, as <see cref="MatmulWithRowSums"/> needs.</summary>
    protected static void CheckRowSums(string op, in MatmulDims d)
    {
        if (d.Batch != 1)
            throw new TensorShapeException(op, $"the row sums of A come with a single product; got a batch of {d.Batch} ({d.M} x {d.K} by {d.K} x {d.N}). Sum the batch's rows with a reduction instead.");
    }

    /// <summary>Throws unless C is one contiguous block from its buffer's start and a matrix addend replaces no accumulation.</summary>
    protected static void CheckFusedAddends(string op, in MatmulDims d, in MatmulAddends addends)
    {
        if (d.OffsetC != 0 || d.Ldc != d.N || (d.Batch > 1 && d.StrideC != (long)d.M * d.N))
            throw new TensorShapeException(op, $"fused addends need a contiguous C from offset 0, got offset {d.OffsetC}, ldc {d.Ldc} (N = {d.N}), batch stride {d.StrideC} (M N = {(long)d.M * d.N}).");
        if (addends.Matrix != null && d.Accumulate)
            throw new ArgumentException($"{op}: a matrix addend takes the place of C's old value; it cannot be combined with Accumulate.");
    }

    /// <summary>
    /// dst[o, j, i] = src[o, idx[j], i], with src contiguous of shape [outer, n, inner] and idx of length m.
    /// </summary>
    public abstract void IndexSelect(IBuffer src, int outer, int n, int inner, IBuffer idx, int m, IBuffer dst);

    /// <summary>dst[o, idx[j], i] += src[o, j, i]; dst contiguous [outer, n, inner], src contiguous [outer, m, inner].</summary>
    public abstract void IndexAdd(IBuffer dst, int outer, int n, int inner, IBuffer idx, int m, IBuffer src);

    /// <summary>dst[o, j, i] = src[o, idx[o, j, i], i]; src contiguous [outer, n, inner], idx and dst [outer, m, inner].</summary>
    public abstract void Gather(IBuffer src, int outer, int n, int inner, IBuffer idx, int m, IBuffer dst);

    /// <summary>dst[o, idx[o, j, i], i] += src[o, j, i]; dst contiguous [outer, n, inner], idx and src [outer, m, inner].</summary>
    public abstract void ScatterAdd(IBuffer dst, int outer, int n, int inner, IBuffer idx, int m, IBuffer src);

    /// <summary>
    /// Graph-sparse attention forward: o_i = sum_{e=(i,j)} p_e v_j with p = softmax over row i of scale * q_i.k_j, for
    /// every (batch, head). q, k, v and o are rank-4 [B, H, N, Dh] views whose last axis has unit stride (o is written
    /// in full; a row without edges gives zeros). The row pointers and columns
    /// of <paramref name="graph"/> are read (rows sorted, validated by the caller). When <paramref name="probs"/> is given, the
    /// probabilities are stored there, contiguous [B*H, nnz], for <see cref="SparseAttentionBackward"/>.
    /// </summary>
    public abstract void SparseAttentionForward(in SparseAttentionDims d, in SparseGraphBuffers graph,
        IBuffer q, Layout ql, IBuffer k, Layout kl, IBuffer v, Layout vl, IBuffer o, Layout ol, IBuffer? probs);

    /// <summary>
    /// Graph-sparse attention backward given dO and the forward's probabilities: dS_e = p_e (dO_i.v_j - sum_e' p_e' dO_i.v_j');
    /// dq_i = scale sum_e dS_e k_j; dk_j = scale sum_{e into j} dS_e q_i; dv_j = sum_{e into j} p_e dO_i. Views as in
    /// <see cref="SparseAttentionForward"/>; every element of each non-null target is written (null targets are skipped).
    /// </summary>
    public abstract void SparseAttentionBackward(in SparseAttentionDims d, in SparseGraphBuffers graph,
        IBuffer q, Layout ql, IBuffer k, Layout kl, IBuffer v, Layout vl, IBuffer dO, Layout dOl, IBuffer probs,
        IBuffer? dq, Layout dql, IBuffer? dk, Layout dkl, IBuffer? dv, Layout dvl);

    /// <summary>
    /// Dense (all-pairs) attention forward: o_i = sum_j p_ij v_j with p_i = softmax over j of scale * q_i.k_j, for every
    /// (batch, head). q, k, v and o are rank-4 [B, H, N, Dh] views whose last axis has unit stride (o is written in
    /// full). When <paramref name="probs"/> is given, the probabilities are stored there, contiguous [B*H, N, N], for
    /// <see cref="DenseAttentionBackward"/>; without it no [N, N] values outlive the call.
    /// </summary>
    public abstract void DenseAttentionForward(in DenseAttentionDims d,
        IBuffer q, Layout ql, IBuffer k, Layout kl, IBuffer v, Layout vl, IBuffer o, Layout ol, IBuffer? probs);

    /// <summary>
    /// Dense attention backward given dO and the forward's probabilities p [B*H, N, N]: dS_ij = p_ij (dO_i.v_j - sum_j'
    /// p_ij' dO_i.v_j'); dq_i = scale sum_j dS_ij k_j; dk_j = scale sum_i dS_ij q_i; dv_j = sum_i p_ij dO_i. Views as in
    /// <see cref="DenseAttentionForward"/>; every element of each non-null target is written (null targets are skipped).
    /// </summary>
    public abstract void DenseAttentionBackward(in DenseAttentionDims d,
        IBuffer q, Layout ql, IBuffer k, Layout kl, IBuffer v, Layout vl, IBuffer dO, Layout dOl, IBuffer probs,
        IBuffer? dq, Layout dql, IBuffer? dk, Layout dkl, IBuffer? dv, Layout dvl);

    /// <summary>
    /// Group-norm forward over x (contiguous [B, M, C] starting at element <paramref name="xOffset"/>): y = (x - mean) * rstd
    /// (* w[c] + b[c] when <paramref name="weight"/> and <paramref name="bias"/> are given, both [C] from element 0).
    /// Writes y (contiguous, from 0) and the statistics mean and rstd = 1 / sqrt(var + eps), [B*G] each. With
    /// <see cref="GroupNormDims.Silu"/> y is SiLU of that.
    /// </summary>
    public abstract void GroupNormForward(in GroupNormDims d, IBuffer x, int xOffset, IBuffer? weight, IBuffer? bias,
        IBuffer y, IBuffer mean, IBuffer rstd);

    /// <summary>
    /// Group-norm backward: dx = rstd (dxhat - mean(dxhat) - xhat mean(dxhat xhat)) with dxhat = dy w; dw[c] = sum dy xhat,
    /// db[c] = sum dy (over samples and nodes). x and dy are contiguous from their offsets; non-null outputs are
    /// overwritten (dx from element 0, dw and db [C]). With <see cref="GroupNormDims.Silu"/>, dy is the gradient of the
    /// SiLU output and the formulas above take dz = dy SiLU'(z) in its place, z = xhat w + b recomputed (hence the bias,
    /// which is not read otherwise).
    /// </summary>
    public abstract void GroupNormBackward(in GroupNormDims d, IBuffer x, int xOffset, IBuffer dy, int dyOffset, IBuffer? weight,
        IBuffer? bias, IBuffer mean, IBuffer rstd, IBuffer? dx, IBuffer? dw, IBuffer? db);

    /// <summary>
    /// <see cref="GroupNormBackward"/> with dx = its input gradient + <paramref name="addend"/> (contiguous, x's size, from
    /// <paramref name="addendOffset"/>), each element's sum rounded once: the gradient already waiting for x (a residual's)
    /// folded into the pass that writes dx. This base form runs the backward and then an elementwise add; a backend may
    /// do both in one pass.
    /// </summary>
    public virtual void GroupNormBackwardAdd(in GroupNormDims d, IBuffer x, int xOffset, IBuffer dy, int dyOffset, IBuffer? weight,
        IBuffer? bias, IBuffer mean, IBuffer rstd, IBuffer dx, IBuffer addend, int addendOffset, IBuffer? dw, IBuffer? db)
    {
        GroupNormBackward(d, x, xOffset, dy, dyOffset, weight, bias, mean, rstd, dx, dw, db);
        int[] shape = [d.Batch * d.Nodes * d.Channels];
        Binary(BinaryOp.Add, dx, Layout.Contiguous(shape), addend, new Layout(shape, [1], addendOffset), dx);
    }

    /// <summary>
    /// One Adam / AdamW step (see <see cref="AdamCoefficients"/>) over <paramref name="count"/> elements: the parameter
    /// (from <paramref name="paramOffset"/>) and the moments m and v (from 0) are updated in place; the gradient is
    /// read from <paramref name="gradOffset"/>. All four have the same float dtype.
    /// </summary>
    public abstract void AdamStep(in AdamCoefficients c, IBuffer param, int paramOffset, IBuffer grad, int gradOffset,
        IBuffer m, IBuffer v, int count);

    /// <summary>
    /// One exponential-moving-average step in place: shadow[i] = decay shadow[i] + (1 - decay) value[valueOffset + i]
    /// for i &lt; count, decay and 1 - decay converted to the element type, each product rounded, then the sum.
    /// </summary>
    public abstract void MovingAverageStep(IBuffer shadow, IBuffer value, int valueOffset, int count, double decay);

    /// <summary>
    /// <see cref="AdamStep"/> for every target, all with the same coefficients: the whole optimiser step in one call,
    /// so that a backend can spread the parameters over its threads (the CPU runs the chunks of all of them in one
    /// parallel loop). The targets' memory must not overlap. The result is that of one <see cref="AdamStep"/> after
    /// another, which is what this default does.
    /// </summary>
    public virtual void AdamSteps(in AdamCoefficients c, ReadOnlySpan<AdamTarget> targets)
    {
        foreach (var t in targets) AdamStep(c, t.Param, t.ParamOffset, t.Grad, t.GradOffset, t.M, t.V, t.Count);
    }

    /// <summary>
    /// <see cref="MovingAverageStep"/> for every target with one decay, in one call (see <see cref="AdamSteps"/>). The
    /// shadows must not overlap each other or the values. The default runs them one after another.
    /// </summary>
    public virtual void MovingAverageSteps(ReadOnlySpan<MovingAverageTarget> targets, double decay)
    {
        foreach (var t in targets) MovingAverageStep(t.Shadow, t.Value, t.ValueOffset, t.Count, decay);
    }

    /// <summary>
    /// Makes <paramref name="alias"/> use <paramref name="owner"/>'s memory from now on (both of this backend, same
    /// dtype and length), giving up its own; disposing the alias then releases nothing. For memory planning of captured
    /// steps, where the two are never alive at once. Returns false where the backend cannot (this default).
    /// </summary>
    public virtual bool TryShareMemory(IBuffer alias, IBuffer owner) => false;

    /// <summary>Waits for queued work (a no-op on the CPU).</summary>
    public virtual void Synchronize() { }
}
