using System.Diagnostics;
using System.Globalization;
using GsdmCore.Autograd;
using GsdmCore.Diffusion;
using GsdmCore.Nn;

namespace GsdmCore.Compare;

/// <summary>
/// A Stopwatch breakdown of GsdmCore's training step by layer type: the denoiser forward is re-composed from the
/// model's own public sub-modules (checked to give the same output as <see cref="GsdmDenoiser.Predict(Tensor, Tensor, Tensor, Tensor)"/>),
/// each op timed on its own (GsdmCore ops are eager), then backward, clipping, Adam and EMA.
/// </summary>
internal sealed class Profiler(GsdmEngine engine)
{
    private readonly Dictionary<string, double> _ms = [];

    private T Time<T>(string what, Func<T> op)
    {
        long start = Stopwatch.GetTimestamp();
        var result = op();
        _ms[what] = _ms.GetValueOrDefault(what) + Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        return result;
    }

    private void Time(string what, Action op) => Time(what, () => { op(); return 0; });

    /// <summary>Runs <paramref name="reps"/> profiled training steps, then sampling steps, each after <paramref name="warmup"/>, and prints ms per step by category.</summary>
    public void Run(string caseName, int warmup, int reps)
    {
        var m = engine.Model;
        var (x0, noise, mask, t, diffusion, adam, ema) = engine.Parts;
        using (TensorScope.Begin())
        using (GradMode.Disable())
        {
            var xt = Tensor.Where(mask, x0, diffusion.QSample(x0, t, noise));
            var tt = GaussianDiffusion.TimestepTensor(t);
            var reference = m.Predict(xt, tt, mask, x0).ToArray<float>();
            var mine = Forward(m, xt, tt, mask, x0).ToArray<float>();
            double diff = reference.Zip(mine, (a, b) => Math.Abs(a - b)).Max();
            Console.WriteLine($"profile case={caseName} recomposed_forward_max_abs_diff={diff:G3}");
            _ms.Clear();
        }
        for (int r = 0; r < warmup + reps; r++)
        {
            if (r == warmup) _ms.Clear();
            long start = Stopwatch.GetTimestamp();
            using (TensorScope.Begin())
            {
                adam.ZeroGrad();
                var xt = Time("loss+qsample", () => Tensor.Where(mask, x0, diffusion.QSample(x0, t, noise)));
                var tt = Time("loss+qsample", () => GaussianDiffusion.TimestepTensor(t));
                var output = Forward(m, xt, tt, mask, x0);
                var loss = Time("loss+qsample", () => (x0 - Tensor.Where(mask, x0, output)).Square().Sum(1).Mean());
                Time("loss+qsample", () => loss.Item());
                ProfiledBackward.Run(loss, _ms);
                Time("grad clip", () => GradClipping.ClipGradNorm(m.Parameters(), Hyper.Clip));
                Time("adam", () => adam.Step());
                Time("ema", () => ema.Update());
                Time("zero grad", () => adam.ZeroGrad());
            }
            _ms["(step total)"] = _ms.GetValueOrDefault("(step total)") + Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        Report(caseName, "train_step_ms", reps);
        ProfileSampling(caseName, warmup, reps);
    }

    /// <summary>The sampling step (forward without gradients on the sampling batch), op by op.</summary>
    private void ProfileSampling(string caseName, int warmup, int reps)
    {
        var m = engine.Model;
        var (xt, t, mask, values) = engine.SampleParts;
        _ms.Clear();
        for (int r = 0; r < warmup + reps; r++)
        {
            if (r == warmup) _ms.Clear();
            long start = Stopwatch.GetTimestamp();
            using (TensorScope.Begin())
            using (GradMode.Disable())
                Forward(m, xt, t, mask, values);
            _ms["(step total)"] = _ms.GetValueOrDefault("(step total)") + Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        Report(caseName, "sample_step_ms", reps);
    }

    private void Report(string caseName, string metric, int reps)
    {
        double total = _ms["(step total)"] / reps;
        Console.WriteLine($"profile case={caseName} {metric}={total:F2} (mean of {reps}; forward ops timed one by one)");
        foreach (var (what, ms) in _ms.Where(p => p.Key != "(step total)").OrderByDescending(p => p.Value))
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {what,-28} {ms / reps,9:F2} ms  {100 * ms / reps / total,5:F1}%"));
        double covered = _ms.Where(p => p.Key != "(step total)").Sum(p => p.Value) / reps;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {"(scope release, other)",-28} {total - covered,9:F2} ms  {100 * (total - covered) / total,5:F1}%"));
    }

    /// <summary>GsdmDenoiser.Predict, op by op, with each op charged to its layer type.</summary>
    private Tensor Forward(GsdmDenoiser m, Tensor xt, Tensor t, Tensor mask, Tensor values)
    {
        var x = Time("fwd where/clamp", () => Tensor.Where(mask, values, xt));
        var tokens = Time("fwd input/output proj", () => m.Input.Forward(x));
        var firstColumns = Tensor.FromArray(m.Graph.Features.Offsets.ToArray());
        var observedNodes = Time("fwd elementwise/residual", () => mask.IndexSelect(1, firstColumns).Unsqueeze(-1));
        tokens = Time("fwd elementwise/residual", () => tokens + observedNodes * m.ObservationEmbedding);
        var temb = Time("fwd temb+node emb", () => m.Time.Forward(t));
        var nodeEmbedding = Time("fwd temb+node emb", () => m.NodeEmbedding.Forward());
        foreach (var block in m.Blocks.Items)
        {
            var res = block.Res;
            var added = Time("fwd linear (temb, node emb)", () => res.TembProj.Forward(temb.Silu()).Unsqueeze(1));
            if (res.EmbProj is { } embProj)
            {
                var ep = Time("fwd linear (temb, node emb)", () => embProj.Forward(nodeEmbedding));
                var tp = added;
                added = Time("fwd elementwise/residual", () => tp + ep);
            }
            var h = Time("fwd groupnorm+silu", () => res.Norm1.ForwardSilu(tokens));
            h = Time("fwd linear (d x d, tokens)", () => res.Conv1.Forward(h, residual: added));
            h = Time("fwd groupnorm+silu", () => res.Norm2.ForwardSilu(h));
            h = Time("fwd elementwise/residual", () => res.Dropout.Forward(h));
            var shortcut = res.NinShortcut is { } nin ? Time("fwd linear (d x d, tokens)", () => nin.Forward(tokens)) : tokens;
            tokens = Time("fwd linear (d x d, tokens)", () => res.Conv2.Forward(h, residual: shortcut));

            var attn = block.Attention;
            int b = tokens.Dim(0), n = tokens.Dim(1), c = attn.Channels, dh = c / attn.Heads;
            var hn = Time("fwd groupnorm", () => attn.Norm.Forward(tokens));
            Tensor attended;
            if (attn.Kernel is SparseAttention sparse)
            {
                var qkv = Time("fwd linear (d x d, tokens)", () => attn.ProjectQkv(hn));
                attended = Time("fwd attention kernel", () => sparse.ForwardPacked(qkv, attn.Heads));
            }
            else
            {
                Tensor Split(Linear proj)
                {
                    var y = Time("fwd linear (d x d, tokens)", () => proj.Forward(hn));
                    return Time("fwd reshape/permute", () => y.Reshape(b, n, attn.Heads, dh).Permute(0, 2, 1, 3));
                }
                var (q, k, v) = (Split(attn.Q), Split(attn.K), Split(attn.V));
                attended = Time("fwd attention kernel", () => attn.Kernel.Forward(q, k, v));
            }
            var merged = Time("fwd reshape/permute", () => attended.Permute(0, 2, 1, 3).Reshape(b, n, c));
            var before = tokens;
            tokens = Time("fwd linear (d x d, tokens)", () => attn.ProjOut.Forward(merged, residual: before));
        }
        var flat = Time("fwd input/output proj", () => m.Output.Forward(tokens));
        return Time("fwd where/clamp", () => Tensor.Where(mask, values, flat));
    }
}
