using GsdmCore.Backends.Cpu;
using Xunit;

namespace GsdmCore.Nn.Tests;

/// <summary>
/// The step scope that returns intermediate memory to the pool. In the MaxThreads collection, which runs alone:
/// the pool is process-wide, so the PooledBytes checks must not see other tests' tensors come and go.
/// </summary>
[Collection("MaxThreads")]
public class TensorScopeTests
{
    private static void AssertReleased(Tensor t)
    {
        var e = Assert.Throws<ObjectDisposedException>(() => t.ToArray());
        Assert.Contains("TensorScope", e.Message);
        Assert.Contains("Keep", e.Message);
    }

    [Fact]
    public void Tensors_made_in_a_scope_are_released_at_its_end()
    {
        Tensor a, b;
        using (var scope = TensorScope.Begin())
        {
            a = Tensor.Ones([3, 4]);
            b = a * 2.0 + 1.0;
            Assert.Equal(3.0f, b.ToArray()[5]);
            Assert.True(scope.Count >= 2);
        }
        AssertReleased(a);
        AssertReleased(b);
        Assert.Throws<ObjectDisposedException>(() => (b + b).ToArray());
    }

    [Fact]
    public void Kept_tensors_survive_the_scope()
    {
        Tensor kept, dropped;
        using (var scope = TensorScope.Begin())
        {
            dropped = Tensor.Full([5], 2.0);
            kept = scope.Keep(dropped * 3.0);
        }
        Assert.Equal(new float[] { 6, 6, 6, 6, 6 }, kept.ToArray());
        AssertReleased(dropped);
    }

    [Fact]
    public void Nested_scopes_release_innermost_first_and_keep_moves_to_the_parent()
    {
        Tensor outerOnly, innerOnly, keptByInner;
        using (var outer = TensorScope.Begin())
        {
            outerOnly = Tensor.Ones([2]);
            using (var inner = TensorScope.Begin())
            {
                Assert.Same(inner, TensorScope.Current);
                innerOnly = Tensor.Ones([2]);
                keptByInner = inner.Keep(Tensor.Full([2], 7.0));
            }
            Assert.Same(outer, TensorScope.Current);
            AssertReleased(innerOnly);
            // Kept by the inner scope: now owned by the outer one, so still valid here...
            Assert.Equal(new float[] { 7, 7 }, keptByInner.ToArray());
            Assert.Equal(new float[] { 1, 1 }, outerOnly.ToArray());
        }
        // ...and released with it.
        AssertReleased(keptByInner);
        AssertReleased(outerOnly);
        Assert.Null(TensorScope.Current);
    }

    [Fact]
    public void Suspend_lets_tensors_escape_every_scope()
    {
        Tensor escaped, tracked;
        using (TensorScope.Begin())
        {
            using (TensorScope.Begin())
            {
                using (TensorScope.Suspend())
                {
                    Assert.Null(TensorScope.Current);
                    escaped = Tensor.Full([3], 4.0);
                }
                Assert.NotNull(TensorScope.Current);
                tracked = Tensor.Full([3], 4.0);
            }
        }
        Assert.Equal(new float[] { 4, 4, 4 }, escaped.ToArray());
        AssertReleased(tracked);
    }

    [Fact]
    public void Persist_takes_a_tensor_out_of_every_open_scope()
    {
        Tensor persisted;
        using (TensorScope.Begin())
        using (TensorScope.Begin())
            persisted = TensorScope.Persist(Tensor.Full([2], 5.0));
        Assert.Equal(new float[] { 5, 5 }, persisted.ToArray());
    }

    [Fact]
    public void A_backward_through_fused_layers_after_the_scope_ended_fails_loudly()
    {
        // The fused layers keep pooled state for their backward (probabilities, statistics): once the scope has
        // released it, using it must throw rather than read memory that a later step reuses.
        var graph = TestGraphs.Sudoku(2);
        var q = Tensor.Randn([1, 2, graph.Nodes, 4], new Generator(1)).RequireGrad();
        var norm = new GroupNorm(2, 8);
        var x = Tensor.Randn([2, graph.Nodes, 8], new Generator(2)).RequireGrad();
        Tensor attended, normed;
        using (TensorScope.Begin())
        {
            attended = new SparseAttention(graph).Forward(q, q, q).Sum();
            normed = norm.Forward(x).Sum();
        }
        Assert.Throws<ObjectDisposedException>(() => attended.Backward());
        Assert.Throws<ObjectDisposedException>(() => normed.Backward());
    }

    [Fact]
    public void Disposing_out_of_order_throws()
    {
        var outer = TensorScope.Begin();
        var inner = TensorScope.Begin();
        try
        {
            var e = Assert.Throws<InvalidOperationException>(() => outer.Dispose());
            Assert.Contains("innermost first", e.Message);
        }
        finally
        {
            inner.Dispose();
            outer.Dispose();
        }
        Assert.Null(TensorScope.Current);
    }

    [Fact]
    public void A_second_step_of_the_same_shapes_reuses_the_pooled_arrays()
    {
        var w = Tensor.Randn([64, 32], new Generator(1)).RequireGrad();
        var x = Tensor.Randn([16, 32], new Generator(2));
        void Step()
        {
            using (TensorScope.Begin())
            {
                var loss = x.Matmul(w.MT).Silu().Square().Mean();
                loss.Backward();
                w.Grad = null;
            }
        }
        Step();
        long afterFirst = CpuBufferPool.PooledBytes;
        Assert.True(afterFirst > 0);
        for (int i = 0; i < 3; i++)
        {
            Step();
            Assert.Equal(afterFirst, CpuBufferPool.PooledBytes);
        }
    }
}

/// <summary>The buffer pool's capacity: least recently used sizes go first, and the pool never holds more.</summary>
[Collection("MaxThreads")]
public class BufferPoolCapacityTests
{
    [Fact]
    public void Over_capacity_the_least_recently_used_sizes_are_released_first()
    {
        long saved = CpuBufferPool.Capacity;
        try
        {
            CpuBufferPool.Trim();
            // Three sizes released in order old, middle, new (4 bytes a float); the capacity fits two of them.
            int[] lengths = [100_003, 100_019, 100_043];
            CpuBufferPool.Capacity = 4L * (lengths[1] + lengths[2]);
            foreach (int length in lengths)
                using (TensorScope.Begin()) Tensor.Empty([length]);
            Assert.Equal(4L * (lengths[1] + lengths[2]), CpuBufferPool.PooledBytes);

            // Reusing the middle size makes the newest one the least recently used: releasing the old size again
            // evicts the newest.
            using (TensorScope.Begin())
            {
                Tensor.Empty([lengths[1]]);
                Assert.Equal(4L * lengths[2], CpuBufferPool.PooledBytes);
            }
            using (TensorScope.Begin()) Tensor.Empty([lengths[0]]);
            Assert.Equal(4L * (lengths[0] + lengths[1]), CpuBufferPool.PooledBytes);

            // Lowering the capacity evicts at once; zero keeps nothing.
            CpuBufferPool.Capacity = 0;
            Assert.Equal(0, CpuBufferPool.PooledBytes);
            Assert.Throws<ArgumentOutOfRangeException>(() => CpuBufferPool.Capacity = -1);
        }
        finally
        {
            CpuBufferPool.Capacity = saved;
            CpuBufferPool.Trim();
        }
    }
}
