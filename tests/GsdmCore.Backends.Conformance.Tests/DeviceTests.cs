using Xunit;

namespace GsdmCore.Backends.Conformance.Tests;

/// <summary>The device plumbing of src/Tensor: selecting devices, moving tensors, the no-GPU error.</summary>
[Collection(IlgpuCpuCollection.Name)]
public sealed class DeviceTests
{
    [CudaFact(requiresGpu: false)]
    public void Asking_for_cuda_without_a_gpu_raises_one_clear_device_error()
    {
        Assert.False(Device.IsCudaAvailable);
        var e = Assert.Throws<TensorDeviceException>(() => Device.Cuda());
        Assert.Contains("no CUDA device found", e.Message);
        Assert.Contains("--device cpu", e.Message);
        Assert.Throws<TensorDeviceException>(() => Device.Parse("cuda:0"));
        // A Device value built by hand fails the same way at its first use, not with a native crash.
        Assert.Throws<TensorDeviceException>(() => Tensor.Zeros([2], device: new Device(DeviceKind.Cuda)));
    }

    [CudaFact]
    public void Cuda_device_round_trips_a_tensor()
    {
        var device = Device.Cuda();
        var x = Tensor.Randn([3, 5], new Generator(7));
        var onGpu = x.To(device);
        Assert.Equal(device, onGpu.Device);
        Assert.Equal(x.ToArray(), onGpu.To(Device.Cpu).ToArray());
    }

    [Fact]
    public void Parse_reads_what_ToString_writes()
    {
        Assert.Equal(Device.Cpu, Device.Parse("cpu"));
        Assert.Equal(Device.IlgpuCpu, Device.Parse(Device.IlgpuCpu.ToString()));
        Assert.Equal("ilgpu-cpu", Device.IlgpuCpu.ToString());
        Assert.Throws<TensorDeviceException>(() => Device.Parse("tpu"));
    }

    [Fact]
    public void Tensors_move_to_the_ilgpu_device_and_back_and_compute_there()
    {
        var rng = new Generator(3);
        var a = Tensor.Randn([4, 6], rng);
        var b = Tensor.Randn([6, 5], rng);
        var da = a.MT.To(Device.IlgpuCpu); // a strided view moves as a contiguous copy
        Assert.Equal(Device.IlgpuCpu, da.Device);
        Assert.True(da.IsContiguous);
        Assert.Equal(a.MT.Contiguous().ToArray(), da.ToArray());

        var db = b.To(Device.IlgpuCpu);
        var onDevice = a.To(Device.IlgpuCpu).Matmul(db).Softmax(-1).Sum(1).To(Device.Cpu).ToArray();
        var onCpu = a.Matmul(b).Softmax(-1).Sum(1).ToArray();
        for (int i = 0; i < onCpu.Length; i++) Assert.Equal(onCpu[i], onDevice[i], 1e-5f);

        Assert.Same(db, db.To(Device.IlgpuCpu));
        var idx = Tensor.FromArray([2, 0, 1], device: Device.IlgpuCpu);
        Assert.Equal(DType.I32, idx.To(Device.Cpu).DType);
    }

    [Fact]
    public void Random_tensors_match_the_cpu_stream_number_for_number()
    {
        var cpu = Tensor.Rand([1000], new Generator(11)).ToArray();
        var dev = Tensor.Rand([1000], new Generator(11), device: Device.IlgpuCpu).ToArray();
        Assert.Equal(cpu, dev);
    }

    [Fact]
    public void Ops_on_tensors_of_different_devices_are_refused()
    {
        var a = Tensor.Ones([2]);
        var b = Tensor.Ones([2], device: Device.IlgpuCpu);
        Assert.Throws<TensorDeviceException>(() => a.Add(b));
    }

    [Fact]
    public void Bad_indices_on_the_device_raise_TensorIndexException()
    {
        var src = Tensor.Randn([4, 3], new Generator(1), device: Device.IlgpuCpu);
        var idx = Tensor.FromArray([0, 5], device: Device.IlgpuCpu);
        var e = Assert.Throws<TensorIndexException>(() => src.IndexSelect(0, idx));
        Assert.Contains("index 5 at position 1", e.Message);
    }
}
