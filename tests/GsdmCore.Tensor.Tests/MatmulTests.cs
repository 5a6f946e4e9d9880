using FsCheck.Fluent;

namespace GsdmCore.TensorTests;

public class MatmulTests
{
    public static TheoryData<DType, ViewKind> Cases() => OpCheck.DTypeByView();

    /// <summary>[..., M, K] x [..., K, N] with independently broadcast batch axes; the lhs has the theory's view.</summary>
    [Theory, MemberData(nameof(Cases))]
    public void Batched_matmul_matches_the_triple_loop(DType dtype, ViewKind view)
    {
        var cases = from batch in Gens.Shape(0, 2, allowZero: true, maxExtent: 3)
                    from dims in Gen.ArrayOf(Gen.Frequency((5, Gens.Extent(allowZero: true)), (1, Gen.Choose(7, 40))), 3)
                    from batchA in Gens.BroadcastPartOf(batch)
                    from batchB in Gens.BroadcastPartOf(batch)
                    from a in Gens.Spec([.. batchA, dims[0], dims[1]], Domain.Any, Gen.Constant(view))
                    from b in Gens.Spec([.. batchB, dims[1], dims[2]], Domain.Any)
                    select (a, b);
        Properties.Check($"matmul/{dtype}/{view}", cases, c =>
        {
            var a = c.a.Make(dtype);
            var b = c.b.Make(dtype);
            var what = OpCheck.Describe("matmul", dtype, a, b);
            TensorAssert.Close(NdArray.Matmul(a.Reference, b.Reference), a.Tensor.Matmul(b.Tensor), Tolerance.Accumulating(dtype, c.a.Shape[^1]), what, dtype);
            OpCheck.InputsUnchanged(what, a, b);
        }, maxTest: 30);
    }

    /// <summary>Sizes past the GEMM blocking and micro-tile edges, with operands given as transposed views (MT).</summary>
    [Theory]
    [InlineData(DType.F32, 37, 65, 29, false, false)]
    [InlineData(DType.F32, 37, 65, 29, true, false)]
    [InlineData(DType.F32, 37, 65, 29, false, true)]
    [InlineData(DType.F32, 130, 300, 47, true, true)]
    [InlineData(DType.F64, 37, 65, 29, true, true)]
    [InlineData(DType.F64, 70, 129, 33, false, true)]
    public void Larger_products_with_transposed_operands_match_the_reference(DType dtype, int m, int k, int n, bool transA, bool transB)
    {
        var rng = new Generator(11);
        var a = transA ? Tensor.Randn([k, m], rng, dtype).MT : Tensor.Randn([m, k], rng, dtype);
        var b = transB ? Tensor.Randn([n, k], rng, dtype).MT : Tensor.Randn([k, n], rng, dtype);
        var expected = NdArray.Matmul(NdArray.Of(a), NdArray.Of(b));
        var tolerance = Tolerance.Accumulating(dtype, k);
        TensorAssert.Close(expected, a.Matmul(b), tolerance, $"matmul {dtype} [{m}, {k}] x [{k}, {n}] transA {transA} transB {transB}", dtype);
    }

    [Fact]
    public void A_rank_3_batch_broadcasts_against_a_single_matrix()
    {
        var rng = new Generator(5);
        var a = Tensor.Randn([4, 3, 5], rng, DType.F64);
        var b = Tensor.Randn([5, 2], rng, DType.F64);
        TensorAssert.Close(NdArray.Matmul(NdArray.Of(a), NdArray.Of(b)), a.Matmul(b), Tolerance.Accumulating(DType.F64, 5), "matmul [4, 3, 5] x [5, 2]");
    }
}
