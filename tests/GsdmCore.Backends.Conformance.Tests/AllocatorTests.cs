using GsdmCore.Backends.Cuda;
using GsdmCore.Backends.Cuda.Memory;
using Xunit;

namespace GsdmCore.Backends.Conformance.Tests;

/// <summary>The caching device allocator.</summary>
[Collection(IlgpuCpuCollection.Name)]
public sealed class AllocatorTests
{
    [Fact]
    public void Size_classes_cover_the_request_with_256_bytes_or_an_eighth_wasted_at_most()
    {
        long previous = 0;
        for (long bytes = 1; bytes < 1 << 24; bytes = bytes * 5 / 4 + 1)
        {
            long size = DeviceMemoryPool.SizeClass(bytes);
            Assert.True(size >= bytes);
            Assert.True(size >= previous);
            Assert.True(size - bytes < Math.Max(256, size / 8), $"{bytes} -> {size}");
            Assert.Equal(size, DeviceMemoryPool.SizeClass(size));
            previous = size;
        }
    }

    [Fact]
    public void Disposed_buffers_go_back_to_the_cache_and_are_reused()
    {
        var backend = CudaBackend.IlgpuCpu;
        const int count = 123_457; // an odd size no other test allocates
        var first = (CudaBuffer)backend.Allocate(count, DType.F32);
        var block = first.Block;
        long cached = backend.CachedBytes;
        first.Dispose();
        Assert.True(first.IsDisposed);
        Assert.True(backend.CachedBytes >= cached + (long)count * 4);
        first.Dispose(); // idempotent
        using var second = (CudaBuffer)backend.Allocate(count, DType.F32);
        Assert.Same(block, second.Block);
        Assert.Throws<ObjectDisposedException>(() => backend.Upload<float>(new float[3], first));
    }

    [Fact]
    public void A_scope_returns_device_memory_when_it_ends()
    {
        var backend = CudaBackend.IlgpuCpu;
        Tensor kept;
        Tensor dropped;
        using (var scope = TensorScope.Begin())
        {
            dropped = Tensor.Ones([77_777], device: Device.IlgpuCpu);
            kept = scope.Keep(Tensor.Ones([3], device: Device.IlgpuCpu).Mul(dropped.Narrow(0, 0, 3)));
        }
        Assert.True(((CudaBuffer)dropped.Buffer).IsDisposed);
        Assert.Equal([1f, 1f, 1f], kept.ToArray());
        Assert.True(backend.CachedBytes >= 77_777 * 4);
    }

    [Fact]
    public void Buffers_of_another_backend_are_refused_with_a_device_error()
    {
        var cpuBuffer = Cpu.CpuBackend.Instance.Allocate(4, DType.F32);
        Assert.Throws<TensorDeviceException>(() => CudaBackend.IlgpuCpu.Fill(cpuBuffer, Layout.Contiguous([4]), 1));
        Assert.Throws<TensorDTypeException>(() => CudaBackend.IlgpuCpu.Upload<int>(new int[4], CudaBackend.IlgpuCpu.Allocate(4, DType.F32)));
    }
}
