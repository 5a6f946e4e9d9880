namespace GsdmCore.Backends;

/// <summary>
/// The backend a thread sees while it captures a step: each call is recorded (its arguments kept) and run on the real
/// backend. Calls whose replay would silently repeat capture-time values are refused.
/// </summary>
internal sealed class RecordingBackend(Backend inner, CommandRecorder recorder) : Backend
{
    public override string Name => inner.Name;

    public override IBuffer Allocate(int count, DType dtype) => recorder.Bypass(() => inner.Allocate(count, dtype));

    public override void Upload<T>(ReadOnlySpan<T> src, IBuffer dst) =>
        throw Refused("upload", "uploading host data inside a captured step would freeze it at its capture-time values; create the tensor before the capture and copy each step's values into it before Replay().");

    public override void Download<T>(IBuffer src, Layout layout, Span<T> dst) =>
        throw Refused("download", "a captured step cannot read device values on the host (Item(), ToArray(), ...): a replay would not run that host code; read the step's outputs after Replay().");

    public override void Random(RandomKind kind, IBuffer dst, int count, ulong seed, ulong offset) =>
        throw Refused("random", "a captured step would replay the same random numbers every time; draw them before the capture into a tensor and refill it before each Replay().");

    public override void AdamStep(in AdamCoefficients c, IBuffer param, int paramOffset, IBuffer grad, int gradOffset, IBuffer m, IBuffer v, int count) =>
        throw Refused("adam_step", "an optimiser step's coefficients change every step; run the optimiser after Replay(), outside the captured step.");

    public override void AdamSteps(in AdamCoefficients c, ReadOnlySpan<AdamTarget> targets) =>
        throw Refused("adam_step", "an optimiser step's coefficients change every step; run the optimiser after Replay(), outside the captured step.");

    public override void Copy(IBuffer src, Layout srcLayout, IBuffer dst, Layout dstLayout) =>
        recorder.RecordAndRun(() => inner.Copy(src, srcLayout, dst, dstLayout), src, dst);

    public override void Fill(IBuffer dst, Layout layout, double value) =>
        recorder.RecordAndRun(() => inner.Fill(dst, layout, value), dst);

    public override void Arange(IBuffer dst, int count, double start, double step) =>
        recorder.RecordAndRun(() => inner.Arange(dst, count, start, step), dst);

    public override void Unary(UnaryOp op, IBuffer x, Layout xl, IBuffer y) =>
        recorder.RecordAndRun(() => inner.Unary(op, x, xl, y), x, y);

    public override void Clamp(IBuffer x, Layout xl, double lo, double hi, IBuffer y) =>
        recorder.RecordAndRun(() => inner.Clamp(x, xl, lo, hi, y), x, y);

    public override void Binary(BinaryOp op, IBuffer a, Layout al, IBuffer b, Layout bl, IBuffer y) =>
        recorder.RecordAndRun(() => inner.Binary(op, a, al, b, bl, y), a, b, y);

    public override void Where(IBuffer cond, Layout cl, IBuffer a, Layout al, IBuffer b, Layout bl, IBuffer y) =>
        recorder.RecordAndRun(() => inner.Where(cond, cl, a, al, b, bl, y), cond, a, b, y);

    public override void Reduce(ReduceOp op, IBuffer x, Layout xl, int reducedAxes, IBuffer y) =>
        recorder.RecordAndRun(() => inner.Reduce(op, x, xl, reducedAxes, y), x, y);

    public override void Softmax(IBuffer x, Layout xl, bool log, IBuffer y) =>
        recorder.RecordAndRun(() => inner.Softmax(x, xl, log, y), x, y);

    public override void Matmul(IBuffer a, IBuffer b, IBuffer c, in MatmulDims d)
    {
        var dims = d;
        recorder.RecordAndRun(() => inner.Matmul(a, b, c, dims), a, b, c);
    }

    public override void Matmul(IBuffer a, IBuffer b, IBuffer c, in MatmulDims d, in MatmulAddends addends)
    {
        var (dims, add) = (d, addends);
        recorder.RecordAndRun(() => inner.Matmul(a, b, c, dims, add), a, b, c, add.Matrix, add.Columns);
    }

    public override void MatmulWithRowSums(IBuffer a, IBuffer b, IBuffer c, in MatmulDims d, IBuffer rowSums)
    {
        var dims = d;
        recorder.RecordAndRun(() => inner.MatmulWithRowSums(a, b, c, dims, rowSums), a, b, c, rowSums);
    }

    public override void IndexSelect(IBuffer src, int outer, int n, int inner1, IBuffer idx, int m, IBuffer dst) =>
        recorder.RecordAndRun(() => inner.IndexSelect(src, outer, n, inner1, idx, m, dst), src, idx, dst);

    public override void IndexAdd(IBuffer dst, int outer, int n, int inner1, IBuffer idx, int m, IBuffer src) =>
        recorder.RecordAndRun(() => inner.IndexAdd(dst, outer, n, inner1, idx, m, src), dst, idx, src);

    public override void Gather(IBuffer src, int outer, int n, int inner1, IBuffer idx, int m, IBuffer dst) =>
        recorder.RecordAndRun(() => inner.Gather(src, outer, n, inner1, idx, m, dst), src, idx, dst);

    public override void ScatterAdd(IBuffer dst, int outer, int n, int inner1, IBuffer idx, int m, IBuffer src) =>
        recorder.RecordAndRun(() => inner.ScatterAdd(dst, outer, n, inner1, idx, m, src), dst, idx, src);

    public override void SparseAttentionForward(in SparseAttentionDims d, in SparseGraphBuffers graph,
        IBuffer q, Layout ql, IBuffer k, Layout kl, IBuffer v, Layout vl, IBuffer o, Layout ol, IBuffer? probs)
    {
        var (dims, g) = (d, graph);
        recorder.RecordAndRun(() => inner.SparseAttentionForward(dims, g, q, ql, k, kl, v, vl, o, ol, probs), q, k, v, o, probs);
    }

    public override void SparseAttentionBackward(in SparseAttentionDims d, in SparseGraphBuffers graph,
        IBuffer q, Layout ql, IBuffer k, Layout kl, IBuffer v, Layout vl, IBuffer dO, Layout dOl, IBuffer probs,
        IBuffer? dq, Layout dql, IBuffer? dk, Layout dkl, IBuffer? dv, Layout dvl)
    {
        var (dims, g) = (d, graph);
        recorder.RecordAndRun(() => inner.SparseAttentionBackward(dims, g, q, ql, k, kl, v, vl, dO, dOl, probs, dq, dql, dk, dkl, dv, dvl), q, k, v, dO, probs, dq, dk, dv);
    }

    public override void DenseAttentionForward(in DenseAttentionDims d,
        IBuffer q, Layout ql, IBuffer k, Layout kl, IBuffer v, Layout vl, IBuffer o, Layout ol, IBuffer? probs)
    {
        var dims = d;
        recorder.RecordAndRun(() => inner.DenseAttentionForward(dims, q, ql, k, kl, v, vl, o, ol, probs), q, k, v, o, probs);
    }

    public override void DenseAttentionBackward(in DenseAttentionDims d,
        IBuffer q, Layout ql, IBuffer k, Layout kl, IBuffer v, Layout vl, IBuffer dO, Layout dOl, IBuffer probs,
        IBuffer? dq, Layout dql, IBuffer? dk, Layout dkl, IBuffer? dv, Layout dvl)
    {
        var dims = d;
        recorder.RecordAndRun(() => inner.DenseAttentionBackward(dims, q, ql, k, kl, v, vl, dO, dOl, probs, dq, dql, dk, dkl, dv, dvl), q, k, v, dO, probs, dq, dk, dv);
    }

    public override void GroupNormForward(in GroupNormDims d, IBuffer x, int xOffset, IBuffer? weight, IBuffer? bias,
        IBuffer y, IBuffer mean, IBuffer rstd)
    {
        var dims = d;
        recorder.RecordAndRun(() => inner.GroupNormForward(dims, x, xOffset, weight, bias, y, mean, rstd), x, weight, bias, y, mean, rstd);
    }

    public override void GroupNormBackward(in GroupNormDims d, IBuffer x, int xOffset, IBuffer dy, int dyOffset, IBuffer? weight,
        IBuffer? bias, IBuffer mean, IBuffer rstd, IBuffer? dx, IBuffer? dw, IBuffer? db)
    {
        var dims = d;
        recorder.RecordAndRun(() => inner.GroupNormBackward(dims, x, xOffset, dy, dyOffset, weight, bias, mean, rstd, dx, dw, db), x, dy, weight, bias, mean, rstd, dx, dw, db);
    }

    /// <inheritdoc />
    public override void GroupNormBackwardAdd(in GroupNormDims d, IBuffer x, int xOffset, IBuffer dy, int dyOffset, IBuffer? weight,
        IBuffer? bias, IBuffer mean, IBuffer rstd, IBuffer dx, IBuffer addend, int addendOffset, IBuffer? dw, IBuffer? db)
    {
        var dims = d;
        recorder.RecordAndRun(() => inner.GroupNormBackwardAdd(dims, x, xOffset, dy, dyOffset, weight, bias, mean, rstd, dx, addend, addendOffset, dw, db),
            x, dy, weight, bias, mean, rstd, dx, addend, dw, db);
    }

    public override void MovingAverageStep(IBuffer shadow, IBuffer value, int valueOffset, int count, double decay) =>
        recorder.RecordAndRun(() => inner.MovingAverageStep(shadow, value, valueOffset, count, decay), shadow, value);

    public override void MovingAverageSteps(ReadOnlySpan<MovingAverageTarget> targets, double decay)
    {
        var kept = targets.ToArray();
        recorder.RecordAndRun(() => inner.MovingAverageSteps(kept, decay), kept.SelectMany(t => new[] { t.Shadow, t.Value }).ToArray());
    }

    public override void Synchronize() => recorder.RecordAndRun(inner.Synchronize);

    private static CaptureException Refused(string op, string why) => new(op, why);
}
