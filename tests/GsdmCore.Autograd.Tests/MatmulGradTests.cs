using FsCheck.Fluent;

namespace GsdmCore.AutogradTests;

public class MatmulGradTests
{
    public static TheoryData<ViewKind> Views() => new(GradAssert.Views);

    /// <summary>Batch axes broadcast, so each operand's gradient is summed over the batches it was reused in.</summary>
    [Theory, MemberData(nameof(Views))]
    public void Batched_matmul_gradient_matches_central_differences(ViewKind view)
    {
        var cases = from batch in Gens.Shape(0, 2, maxExtent: 2)
                    from dims in Gen.ArrayOf(Gen.Choose(1, 3), 3)
                    from batchA in Gens.BroadcastPartOf(batch)
                    from batchB in Gens.BroadcastPartOf(batch)
                    from a in GradInput.Gen([.. batchA, dims[0], dims[1]], Domain.Any, view)
                    from bView in Gens.View
                    from b in GradInput.Gen([.. batchB, dims[1], dims[2]], Domain.Any, bView)
                    select (a, b);
        Properties.Check($"grad/matmul/{view}", cases, c => GradAssert.Passes("matmul", t => t[0].Matmul(t[1]), c.a, c.b), maxTest: 12);
    }

    [Fact]
    public void Gradient_with_transposed_operands_and_only_one_input_tracked()
    {
        var rng = new Generator(8);
        var a = Tensor.Randn([4, 3], rng, DType.F64);
        var w = Tensor.Randn([5, 3], rng, DType.F64);
        GradAssert.Passes("x @ w.mT", t => t[0].Matmul(t[1].MT), [a, w]);
        // A constant operand: the gradient still reaches the tracked one.
        GradAssert.Passes("x @ const.mT", t => t[0].Matmul(w.MT).Tanh(), [a]);
    }

    /// <summary>
    /// A linear layer, x @ W.MT + b: the weight and bias gradients come from one product over g, which hands back g's
    /// column sums beside g^T x. By central differences, and at a training step's size against sums in double precision.
    /// </summary>
    [Fact]
    public void Linear_layer_weight_and_bias_gradients_come_from_one_product_over_g()
    {
        var rng = new Generator(21);
        var x = Tensor.Randn([6, 4], rng, DType.F64);
        var w = Tensor.Randn([5, 4], rng, DType.F64);
        var b = Tensor.Randn([5], rng, DType.F64);
        var residual = Tensor.Randn([6, 5], rng, DType.F64);
        GradAssert.Passes("x @ w.mT + b", t => t[0].MatmulAdd(t[1].MT, t[2]), [x, w, b]);
        GradAssert.Passes("x @ w.mT + b, x constant", t => x.MatmulAdd(t[0].MT, t[1]).Tanh(), [w, b]);
        GradAssert.Passes("x @ w.mT + residual + b", t => t[0].MatmulAdd(t[1].MT, t[3], t[2]), [x, w, b, residual]);

        const int tokens = 300, inputs = 40, outputs = 24;
        var xs = Tensor.Randn([tokens, inputs], rng).RequireGrad();
        var ws = Tensor.Randn([outputs, inputs], rng).RequireGrad();
        var bs = Tensor.Randn([outputs], rng).RequireGrad();
        var g = Tensor.Randn([tokens, outputs], rng);
        xs.MatmulAdd(ws.MT, bs).Backward(g);
        float[] gv = g.ToArray(), xv = xs.ToArray(), dw = ws.Grad!.ToArray(), db = bs.Grad!.ToArray();
        for (int o = 0; o < outputs; o++)
        {
            double sum = 0;
            for (int r = 0; r < tokens; r++) sum += gv[r * outputs + o];
            Assert.True(Math.Abs(db[o] - sum) <= 1e-4 * (1 + Math.Abs(sum)), $"db[{o}] = {db[o]}, want {sum}");
            for (int i = 0; i < inputs; i++)
            {
                double dot = 0;
                for (int r = 0; r < tokens; r++) dot += (double)gv[r * outputs + o] * xv[r * inputs + i];
                Assert.True(Math.Abs(dw[o * inputs + i] - dot) <= 1e-4 * (1 + Math.Abs(dot)), $"dW[{o}, {i}] = {dw[o * inputs + i]}, want {dot}");
            }
        }
    }

    /// <summary>
    /// The product with its row sums: the values of Matmul and Sum(1); while gradients are recorded it runs as those
    /// ops, so both results carry gradients.
    /// </summary>
    [Fact]
    public void Matmul_with_row_sums_equals_matmul_and_sum_and_stays_differentiable()
    {
        var rng = new Generator(5);
        var a = Tensor.Randn([7, 300], rng);
        var b = Tensor.Randn([300, 9], rng);
        var product = a.MatmulWithRowSums(b, out var sums);
        Assert.Equal(a.Matmul(b).ToArray(), product.ToArray());
        Assert.Equal([7], sums.Shape);
        float[] want = a.Sum(1).ToArray(), got = sums.ToArray();
        for (int i = 0; i < want.Length; i++) Assert.True(Math.Abs(got[i] - want[i]) <= 1e-4 * (1 + Math.Abs(want[i])), $"sum {i}: {got[i]} vs {want[i]}");

        var a64 = Tensor.Randn([3, 4], rng, DType.F64);
        var b64 = Tensor.Randn([4, 2], rng, DType.F64);
        GradAssert.Passes("row sums", t => { t[0].MatmulWithRowSums(t[1], out var s); return s.Square(); }, [a64, b64]);
        GradAssert.Passes("product beside row sums", t => t[0].MatmulWithRowSums(t[1], out _).Tanh(), [a64, b64]);
        Assert.Throws<TensorShapeException>(() => Tensor.Randn([2, 3, 4], rng).MatmulWithRowSums(Tensor.Randn([4, 2], rng), out _));
        Assert.Throws<TensorShapeException>(() => Tensor.Randn([3, 4], rng).MatmulWithRowSums(Tensor.Randn([5, 2], rng), out _));
    }

    /// <summary>The fused product-plus-addend: its gradient, the addend's included, by central differences.</summary>
    [Theory, MemberData(nameof(Views))]
    public void Matmul_add_gradient_matches_central_differences(ViewKind view)
    {
        var cases = from batch in Gens.Shape(0, 2, maxExtent: 2)
                    from dims in Gen.ArrayOf(Gen.Choose(1, 3), 3)
                    from batchA in Gens.BroadcastPartOf(batch)
                    from a in GradInput.Gen([.. batchA, dims[0], dims[1]], Domain.Any, view)
                    from bView in Gens.View
                    from b in GradInput.Gen([.. batch, dims[1], dims[2]], Domain.Any, bView)
                    from addendShape in Gens.BroadcastPartOf([.. batch, dims[0], dims[2]])
                    from c in GradInput.Gen(addendShape, Domain.Any, bView)
                    from secondShape in Gens.BroadcastPartOf([.. batch, dims[0], dims[2]])
                    from d in GradInput.Gen(secondShape, Domain.Any, view)
                    from two in Gen.Elements(false, true)
                    select (a, b, c, d, two);
        Properties.Check($"grad/matmul_add/{view}", cases, c =>
        {
            if (c.two) GradAssert.Passes("matmul_add(two addends)", t => t[0].MatmulAdd(t[1], t[2], t[3]), c.a, c.b, c.c, c.d);
            else GradAssert.Passes("matmul_add", t => t[0].MatmulAdd(t[1], t[2]), c.a, c.b, c.c);
        }, maxTest: 16);
    }

    [Fact]
    public void Matmul_add_equals_the_composed_ops_and_refuses_an_addend_that_would_enlarge_the_product()
    {
        var rng = new Generator(9);
        var x = Tensor.Randn([2, 5, 4], rng, DType.F64);
        var w = Tensor.Randn([3, 4], rng, DType.F64);
        foreach (var addend in new[] { Tensor.Randn([3], rng, DType.F64), Tensor.Randn([2, 5, 3], rng, DType.F64), Tensor.Randn([5, 1], rng, DType.F64) })
        {
            var fused = x.MatmulAdd(w.MT, addend).ToArray<double>();
            var composed = (x.Matmul(w.MT) + addend).ToArray<double>();
            for (int i = 0; i < fused.Length; i++) Assert.Equal(composed[i], fused[i], 1e-12);
            var second = Tensor.Randn([3], rng, DType.F64);
            var fusedTwo = x.MatmulAdd(w.MT, addend, second).ToArray<double>();
            var composedTwo = (x.Matmul(w.MT) + addend + second).ToArray<double>();
            for (int i = 0; i < fusedTwo.Length; i++) Assert.Equal(composedTwo[i], fusedTwo[i], 1e-12);
        }
        var tooBig = Tensor.Randn([4, 2, 5, 3], rng, DType.F64);
        var e = Assert.Throws<TensorShapeException>(() => x.MatmulAdd(w.MT, tooBig));
        Assert.Contains("matmul_add", e.Message);
        Assert.Throws<TensorShapeException>(() => x.MatmulAdd(w.MT, Tensor.Randn([3], rng, DType.F64), tooBig));
    }
}
