using GsdmCore.Backends.Cuda.CuBlas;
using GsdmCore.Backends.Cuda.Memory;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;

namespace GsdmCore.Backends.Cuda;

/// <summary>
/// The GPU backend: ILGPU kernels (one file per op family under Kernels/) and cuBLAS for matrix products,
/// over device memory from a caching allocator. The same kernels run on ILGPU's CPU accelerator
/// (<see cref="IlgpuCpu"/>), which is how CI exercises every kernel without a GPU. Work is queued on one
/// stream per device; host reads (<see cref="Download{T}"/>) and index-range checks wait for it.
/// </summary>
public sealed partial class CudaBackend : Backend
{
    private static readonly Lazy<CudaBackend> CpuSimulator = new(() => new CudaBackend(IlgpuDevices.CreateCpu(), "ilgpu-cpu", isCuda: false));
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, CudaBackend> CudaBackends = new();

    private readonly Accelerator _acc;
    private readonly object _gate = new();
    private CuBlasHandle? _cublas;
    private bool _cublasProbed;

    private CudaBackend(Accelerator accelerator, string name, bool isCuda)
    {
        _acc = accelerator;
        Name = name;
        IsCuda = isCuda;
        Pool = new DeviceMemoryPool(accelerator);
        Kernels = new KernelCache();
    }

    /// <summary>True when ILGPU finds at least one CUDA device (probing loads the driver library, nothing else).</summary>
    public static bool IsCudaAvailable => IlgpuDevices.CudaDeviceCount > 0;

    /// <summary>Number of CUDA devices.</summary>
    public static int CudaDeviceCount => IlgpuDevices.CudaDeviceCount;

    /// <summary>What the CUDA driver itself reports (library, version, device count), for diagnostics.</summary>
    public static string DriverDescription => CudaDriverLibrary.Describe();

    /// <summary>Checks that CUDA device <paramref name="index"/> exists, without starting it.</summary>
    /// <exception cref="TensorDeviceException">No such CUDA device.</exception>
    public static void EnsureCudaDevice(int index)
    {
        int count = IlgpuDevices.CudaDeviceCount;
        if (count == 0)
            throw new TensorDeviceException("device", $"no CUDA device found: ILGPU can drive none ({CudaDriverLibrary.Describe()}); "
                + "use --device cpu (Device.Cpu).");
        if (index < 0 || index >= count)
            throw new TensorDeviceException("device", $"there is no CUDA device {index}: {count} found (cuda:0..cuda:{count - 1}); "
                + "pick one of those or use --device cpu.");
    }

    /// <summary>The backend of CUDA device <paramref name="index"/>, created on first use.</summary>
    /// <exception cref="TensorDeviceException">No such CUDA device, or ILGPU could not open it.</exception>
    public static CudaBackend Cuda(int index = 0)
    {
        if (CudaBackends.TryGetValue(index, out var existing)) return existing; // every tensor op asks: no lock
        EnsureCudaDevice(index);
        lock (CudaBackends)
        {
            if (CudaBackends.TryGetValue(index, out var backend)) return backend;
            try
            {
                backend = new CudaBackend(IlgpuDevices.CreateCuda(index), $"cuda:{index}", isCuda: true);
            }
            catch (Exception e) when (e is not TensorException)
            {
                throw new TensorDeviceException("device", $"ILGPU could not open CUDA device {index} ({CudaDriverLibrary.Describe()}): "
                    + $"{e.GetType().Name}: {e.Message}");
            }
            CudaBackends[index] = backend;
            return backend;
        }
    }

    /// <summary>The backend on ILGPU's CPU accelerator: the GPU kernels, simulated on host threads (tests, CI).</summary>
    public static CudaBackend IlgpuCpu => CpuSimulator.Value;

    /// <inheritdoc />
    public override string Name { get; }

    /// <summary>True on a CUDA GPU, false on ILGPU's CPU accelerator.</summary>
    public bool IsCuda { get; }

    /// <summary>The accelerator's own name (e.g. "NVIDIA H100 80GB HBM3").</summary>
    public string DeviceName => _acc.Name;

    /// <summary>Whether float32 products may use TF32 tensor cores (cuBLAS only; off unless set).</summary>
    public bool AllowTf32 { get; set; }

    /// <summary>Forces the ILGPU tiled GEMM even where cuBLAS is installed (to test the fallback on a GPU).</summary>
    public bool ForceTiledGemm { get; set; }

    /// <summary>"cuBLAS (path)" or "ILGPU tiled GEMM": what the next matrix product will run on.</summary>
    public string GemmEngine
    {
        get
        {
            lock (_gate) return CuBlasOrNull() is { } ? $"cuBLAS ({CuBlasLibrary.Description})" : "ILGPU tiled GEMM";
        }
    }

    /// <summary>Bytes of device memory kept in the allocator's cache for reuse.</summary>
    public long CachedBytes => Pool.CachedBytes;

    /// <summary>Bytes of device memory held by live buffers.</summary>
    public long LiveBytes => Pool.LiveBytes;

    /// <summary>Frees the allocator's cached blocks to the device.</summary>
    public void ReleaseCachedMemory() => Pool.Trim();

    internal DeviceMemoryPool Pool { get; }

    internal KernelCache Kernels { get; }

    internal Accelerator Accelerator => _acc;

    /// <inheritdoc />
    public override IBuffer Allocate(int count, DType dtype)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count));
        lock (_gate)
        {
            Bind();
            return new CudaBuffer(this, dtype, count, Pool.Rent(Math.Max(1L, (long)count * dtype.SizeOf())));
        }
    }

    /// <inheritdoc />
    public override void Upload<T>(ReadOnlySpan<T> src, IBuffer dst)
    {
        var d = Cast(dst);
        CheckElementType<T>("upload", d);
        if (src.Length > d.Length)
            throw new TensorShapeException("upload", $"{src.Length} elements do not fit a buffer of {d.Length}.");
        if (src.Length == 0) return;
        lock (_gate)
        {
            Bind();
            d.View<T>().SubView(0, src.Length).CopyFromCPU(_acc.DefaultStream, src);
        }
    }

    /// <inheritdoc />
    public override void Download<T>(IBuffer src, Layout layout, Span<T> dst)
    {
        var s = Cast(src);
        int count = layout.Count;
        if (dst.Length < count)
            throw new TensorShapeException("download", $"the view {Layout.Format(layout.Shape)} has {count} elements but the destination holds {dst.Length}.");
        if (count == 0) return;
        lock (_gate)
        {
            Bind();
            if (DTypeInfo.Of<T>() == s.DType && layout.IsContiguous)
            {
                s.View<T>().SubView(layout.Offset, count).CopyToCPU(_acc.DefaultStream, dst[..count]);
            }
            else
            {
                using var packed = (CudaBuffer)Allocate(count, DTypeInfo.Of<T>());
                CopyCore(s, layout, packed, Layout.Contiguous(layout.Shape));
                packed.View<T>().SubView(0, count).CopyToCPU(_acc.DefaultStream, dst[..count]);
            }
            _acc.DefaultStream.Synchronize();
        }
    }

    /// <inheritdoc />
    public override void Synchronize()
    {
        lock (_gate)
        {
            Bind();
            _acc.Synchronize();
        }
    }

    /// <summary>Makes this accelerator current on the calling thread (CUDA contexts are per thread; a no-op when it is).</summary>
    private void Bind() => _acc.Bind();

    private CuBlasHandle? CuBlasOrNull()
    {
        if (!IsCuda || ForceTiledGemm) return null;
        if (!_cublasProbed)
        {
            _cublasProbed = true;
            Bind();
            _cublas = CuBlasHandle.TryCreate(((CudaStream)_acc.DefaultStream).StreamPtr);
        }
        if (_cublas != null) _cublas.AllowTf32 = AllowTf32;
        return _cublas;
    }

    private CudaBuffer Cast(IBuffer buffer) => buffer is CudaBuffer b && ReferenceEquals(b.Backend, this) ? b
        : throw new TensorDeviceException(Name, $"a buffer of backend '{buffer.Backend.Name}' was passed to backend '{Name}'; move the tensor with .To(device) first.");

    private static void CheckElementType<T>(string op, CudaBuffer buffer) where T : unmanaged
    {
        if (DTypeInfo.Of<T>() != buffer.DType)
            throw new TensorDTypeException(op, $"the buffer holds {buffer.DType} but {typeof(T).Name} elements were given.");
    }

    private static TensorDTypeException FloatOnly(string op) =>
        new(op, "this op needs a float tensor (F32 or F64), got I32; convert with .To(DType.F32).");

    private static int Flag(bool value) => value ? 1 : 0;
}
