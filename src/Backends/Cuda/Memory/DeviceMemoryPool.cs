using ILGPU;
using ILGPU.Runtime;

namespace GsdmCore.Backends.Cuda.Memory;

/// <summary>
/// The caching allocator of one accelerator: released blocks wait in size-bucketed free lists for the next
/// request of their size class, so a training or sampling loop that asks for the same sizes every step
/// stops calling the driver's allocator after its first step. Sizes are rounded up to a class with at most
/// less than max(256 bytes, 1/8) waste. Blocks leave the cache only when reused or on <see cref="Trim"/>; an
/// allocation the device refuses trims the cache and tries once more. No finalizers: a block is returned
/// by disposing its <see cref="CudaBuffer"/>.
/// </summary>
internal sealed class DeviceMemoryPool
{
    private const long MinBlock = 256;

    private readonly Accelerator _accelerator;
    private readonly Dictionary<long, Stack<MemoryBuffer1D<byte, Stride1D.Dense>>> _free = new();
    private readonly object _gate = new();
    private long _cachedBytes, _liveBytes;

    public DeviceMemoryPool(Accelerator accelerator) => _accelerator = accelerator;

    /// <summary>Bytes held in free lists.</summary>
    public long CachedBytes { get { lock (_gate) return _cachedBytes; } }

    /// <summary>Bytes of blocks handed out and not yet returned.</summary>
    public long LiveBytes { get { lock (_gate) return _liveBytes; } }

    /// <summary>The size class of a request of <paramref name="bytes"/>.</summary>
    public static long SizeClass(long bytes)
    {
        if (bytes <= MinBlock) return MinBlock;
        long floor = 1L << (63 - System.Numerics.BitOperations.LeadingZeroCount((ulong)bytes)); // largest power of two <= bytes
        long step = Math.Max(MinBlock, floor / 8);
        return (bytes + step - 1) / step * step;
    }

    /// <summary>A block of at least <paramref name="bytes"/> bytes, from the cache when one of its class is free.</summary>
    public MemoryBuffer1D<byte, Stride1D.Dense> Rent(long bytes)
    {
        long size = SizeClass(bytes);
        lock (_gate)
        {
            _liveBytes += size;
            if (_free.TryGetValue(size, out var stack) && stack.Count > 0)
            {
                _cachedBytes -= size;
                return stack.Pop();
            }
        }
        try
        {
            return _accelerator.Allocate1D<byte>(size);
        }
        catch (Exception)
        {
            Trim();
            try
            {
                return _accelerator.Allocate1D<byte>(size);
            }
            catch (Exception e)
            {
                lock (_gate) _liveBytes -= size;
                throw new TensorDeviceException("allocate", $"the device '{_accelerator.Name}' refused {size} bytes "
                    + $"({LiveBytes} bytes in live tensors): {e.Message} Free tensors sooner (TensorScope) or use smaller batches.");
            }
        }
    }

    /// <summary>Puts a block back into its free list.</summary>
    public void Return(MemoryBuffer1D<byte, Stride1D.Dense> block)
    {
        lock (_gate)
        {
            long size = block.Length;
            if (!_free.TryGetValue(size, out var stack)) _free[size] = stack = new Stack<MemoryBuffer1D<byte, Stride1D.Dense>>();
            stack.Push(block);
            _cachedBytes += size;
            _liveBytes -= size;
        }
    }

    /// <summary>Frees every cached block to the device.</summary>
    public void Trim()
    {
        List<MemoryBuffer1D<byte, Stride1D.Dense>> blocks = new();
        lock (_gate)
        {
            foreach (var stack in _free.Values) blocks.AddRange(stack);
            _free.Clear();
            _cachedBytes = 0;
        }
        if (blocks.Count == 0) return;
        _accelerator.Synchronize(); // queued kernels may still read a block released after their launch
        foreach (var b in blocks) b.Dispose();
    }
}
