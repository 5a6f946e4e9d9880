using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using GsdmCore.Backends;
using GsdmCore.Backends.Cpu;
using GsdmCore.Nn;
using Xunit;

namespace GsdmCore.Nn.Tests;

/// <summary>
/// The single-precision sparse forward that takes eight heads at a time (<see cref="SparseAttentionHeadGroups"/>): forced
/// on, its outputs, and the gradients the per-head backward forms from the probabilities it keeps (transposed into the
/// per-head layout, in blocks), must match the double-precision per-head kernels, for every way the attention block and
/// users lay q, k and v out, with any gradient target absent, on rows with no keys, one key and many, and on graphs
/// whose edges fill several blocks; and its bits must not depend on the thread count or the chunk order.
/// </summary>
[Collection("MaxThreads")]
public class SparseAttentionHeadGroupsTests
{
    /// <summary>How q, k and v reach the kernel.</summary>
    public enum InputLayout { HeadMajor, NodeMajor, PackedQkv }

    private sealed record Result(double[] Out, double[] Dq, double[] Dk, double[] Dv);

    private static Result Run(SparseGraph graph, int batch, int heads, InputLayout layout, DType dtype, bool[] needs, bool? headGroups,
        double? scale, ulong seed)
    {
        bool? saved = SparseAttentionHeadGroups.Override;
        try
        {
            SparseAttentionHeadGroups.Override = headGroups;
            const int d = 16;
            int n = graph.Nodes;
            var kernel = new SparseAttention(graph, scale);
            var weights = TestGraphs.Randn([batch, heads, n, d], seed + 9).To(dtype);
            if (layout == InputLayout.PackedQkv)
            {
                var qkv = TestGraphs.Randn([batch, n, 3 * heads * d], seed).To(dtype).Detach().RequireGrad();
                var packed = kernel.ForwardPacked(qkv, heads);
                (packed * weights).Sum().Backward();
                return new(Doubles(packed), Doubles(qkv.Grad!), [], []);
            }
            int[] shape = layout == InputLayout.NodeMajor ? [batch, n, heads, d] : [batch, heads, n, d];
            Tensor Leaf(ulong s, bool grad)
            {
                var t = TestGraphs.Randn(shape, s).To(dtype).Detach();
                return grad ? t.RequireGrad() : t;
            }
            var (q, k, v) = (Leaf(seed + 1, needs[0]), Leaf(seed + 2, needs[1]), Leaf(seed + 3, needs[2]));
            Tensor View(Tensor t) => layout == InputLayout.NodeMajor ? t.Permute(0, 2, 1, 3) : t;
            var o = kernel.Forward(View(q), View(k), View(v));
            (o * weights).Sum().Backward();
            double[] Grad(Tensor t) => t.Grad is null ? [] : Doubles(t.Grad);
            return new(Doubles(o), Grad(q), Grad(k), Grad(v));
        }
        finally
        {
            SparseAttentionHeadGroups.Override = saved;
        }
    }

    private static double[] Doubles(Tensor t) => t.To(DType.F64).ToArray<double>();

    /// <summary>The F32 head-group kernel against the F64 per-head kernel on the same inputs.</summary>
    private static void AssertMatchesDouble(SparseGraph graph, int batch, int heads, InputLayout layout, bool[] needs, double? scale, ulong seed)
    {
        var expected = Run(graph, batch, heads, layout, DType.F64, needs, headGroups: false, scale, seed);
        var actual = Run(graph, batch, heads, layout, DType.F32, needs, headGroups: true, scale, seed);
        const double tolerance = 5e-5;
        SparseAttentionTests.AssertClose(expected.Out, actual.Out, "output", tolerance);
        SparseAttentionTests.AssertClose(expected.Dq, actual.Dq, "dq", tolerance);
        SparseAttentionTests.AssertClose(expected.Dk, actual.Dk, "dk", tolerance);
        SparseAttentionTests.AssertClose(expected.Dv, actual.Dv, "dv", tolerance);
    }

    /// <summary>Rows of 1 to 45 keys, and two rows with none: 1,300 edges, more than one block of kept probabilities.</summary>
    private static SparseGraph RowsOfEveryLength()
    {
        int n = 60;
        var rowPtr = new List<int> { 0 };
        var columns = new List<int>();
        var rng = new Random(7);
        for (int i = 0; i < n; i++)
        {
            int want = i is 3 or 41 ? 0 : 1 + i % 45;
            var keys = new SortedSet<int>();
            if (want > 0) keys.Add(i);
            while (keys.Count < want) keys.Add(rng.Next(n));
            columns.AddRange(keys);
            rowPtr.Add(columns.Count);
        }
        return new SparseGraph(n, rowPtr.ToArray(), columns.ToArray(), requireSelfLoops: false);
    }

    public static TheoryData<InputLayout, int> Layouts() => new()
    {
        { InputLayout.HeadMajor, 8 }, { InputLayout.NodeMajor, 8 }, { InputLayout.PackedQkv, 8 }, { InputLayout.NodeMajor, 16 }, { InputLayout.HeadMajor, 16 },
    };

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Head_groups_match_the_double_kernel_on_rows_of_every_length(InputLayout layout, int heads)
    {
        foreach (var graph in new[] { RowsOfEveryLength(), TestGraphs.Sudoku(3) })
            AssertMatchesDouble(graph, 2, heads, layout, [true, true, true], null, 31);
    }

    [Theory]
    [InlineData(false, true, true)]
    [InlineData(true, false, true)]
    [InlineData(true, true, false)]
    [InlineData(false, false, true)]
    [InlineData(true, false, false)]
    public void Gradients_from_the_kept_probabilities_match_with_any_target_absent(bool dq, bool dk, bool dv)
    {
        AssertMatchesDouble(RowsOfEveryLength(), 2, 8, InputLayout.HeadMajor, [dq, dk, dv], 1.0, 41);
        AssertMatchesDouble(TestGraphs.Sudoku(2), 3, 8, InputLayout.NodeMajor, [dq, dk, dv], null, 42);
    }

    [Property(MaxTest = 25)]
    public void Head_groups_match_the_double_kernel_on_random_graphs(PositiveInt nodesSeed, PositiveInt degreeSeed, bool unscaled, bool nodeMajor)
    {
        int n = 1 + nodesSeed.Get % 40;
        var rng = new Random(degreeSeed.Get);
        var degrees = Enumerable.Range(0, n).Select(_ => rng.Next(4) switch { 0 => 1, 1 => n, _ => 1 + rng.Next(n) }).ToArray();
        AssertMatchesDouble(TestGraphs.Random(degrees, degreeSeed.Get), 1 + rng.Next(3), 8 * (1 + rng.Next(2)),
            nodeMajor ? InputLayout.NodeMajor : InputLayout.HeadMajor, [true, true, true], unscaled ? 1.0 : null, (ulong)degreeSeed.Get);
    }

    [Fact]
    public void Head_groups_give_the_same_bits_on_one_thread_two_threads_and_any_chunk_order()
    {
        var graph = TestGraphs.Random(Enumerable.Repeat(21, 81).ToArray(), 3);
        int saved = CpuParallel.MaxThreads;
        try
        {
            CpuParallel.MaxThreads = 1;
            var one = Run(graph, 4, 16, InputLayout.PackedQkv, DType.F32, [true, true, true], true, null, 5);
            CpuParallel.MaxThreads = 2;
            var two = Run(graph, 4, 16, InputLayout.PackedQkv, DType.F32, [true, true, true], true, null, 5);
            Result shuffled;
            using (CpuParallel.ShuffledChunkOrder(seed: 3))
                shuffled = Run(graph, 4, 16, InputLayout.PackedQkv, DType.F32, [true, true, true], true, null, 5);
            foreach (var other in new[] { two, shuffled })
            {
                Assert.Equal(one.Out, other.Out);
                Assert.Equal(one.Dq, other.Dq);
            }
        }
        finally
        {
            CpuParallel.MaxThreads = saved;
        }
    }

    [Fact]
    public void Head_groups_are_taken_without_AVX512_where_a_nodes_heads_lie_side_by_side()
    {
        bool avx2Only = System.Runtime.Intrinsics.X86.Avx2.IsSupported && System.Runtime.Intrinsics.X86.Fma.IsSupported
            && !System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated;
        Assert.Equal(avx2Only, SparseAttentionHeadGroups.Applies(8, 16, headsSideBySide: true));
        Assert.Equal(avx2Only, SparseAttentionHeadGroups.Applies(16, 16, headsSideBySide: true));
        Assert.False(SparseAttentionHeadGroups.Applies(8, 16, headsSideBySide: false));
        Assert.False(SparseAttentionHeadGroups.Applies(4, 16, headsSideBySide: true));
        Assert.False(SparseAttentionHeadGroups.Applies(8, 8, headsSideBySide: true));
        var nodeMajor = Tensor.Empty([2, 81, 8, 16]).Permute(0, 2, 1, 3).Layout;
        var packed = Tensor.Empty([2, 81, 3 * 8 * 16]).Reshape(2, 81, 3, 8, 16).Select(2, 1).Permute(0, 2, 1, 3).Layout;
        Assert.True(SparseAttentionHeadGroups.HeadsSideBySide(nodeMajor));
        Assert.True(SparseAttentionHeadGroups.HeadsSideBySide(packed));
        Assert.False(SparseAttentionHeadGroups.HeadsSideBySide(Tensor.Empty([2, 8, 81, 16]).Layout));
    }
}
