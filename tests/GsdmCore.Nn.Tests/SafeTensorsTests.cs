using System.Text;
using GsdmCore.Backends;
using GsdmCore.Nn;
using Xunit;

namespace GsdmCore.Nn.Tests;

public sealed class SafeTensorsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gsdm-nn-st-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    /// <summary>A file assembled by hand: 8-byte little-endian header length, the JSON header, then the data bytes.</summary>
    private static byte[] Build(string header, params byte[] data)
    {
        var json = Encoding.UTF8.GetBytes(header);
        var bytes = new List<byte>();
        ulong n = (ulong)json.Length;
        for (int i = 0; i < 8; i++) bytes.Add((byte)(n >> (8 * i)));
        bytes.AddRange(json);
        bytes.AddRange(data);
        return bytes.ToArray();
    }

    [Fact]
    public void Loads_a_file_built_byte_by_byte_from_the_specification()
    {
        const string header = "{\"__metadata__\":{\"format\":\"pt\"},"
            + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
            + "\"b\":{\"dtype\":\"I32\",\"shape\":[1,1],\"data_offsets\":[8,12]},"
            + "\"c\":{\"dtype\":\"F64\",\"shape\":[],\"data_offsets\":[12,20]}}    "; // space padding is allowed
        byte[] data =
        [
            0x00, 0x00, 0xC0, 0x3F,  // 1.5f  = 0x3FC00000
            0x00, 0x00, 0x00, 0xC0,  // -2f   = 0xC0000000
            0x07, 0x00, 0x00, 0x00,  // 7
            0, 0, 0, 0, 0, 0, 0xE0, 0x3F, // 0.5 = 0x3FE0000000000000
        ];
        File.WriteAllBytes(PathOf("spec.safetensors"), Build(header, data));
        var content = SafeTensors.Load(PathOf("spec.safetensors"));
        Assert.Equal("pt", content.Metadata["format"]);
        Assert.Equal(new[] { 1.5f, -2f }, content.Tensors["a"].ToArray());
        Assert.Equal(DType.I32, content.Tensors["b"].DType);
        Assert.Equal([1, 1], content.Tensors["b"].Shape);
        Assert.Equal(7, content.Tensors["b"].ToArray<int>()[0]);
        Assert.Equal(DType.F64, content.Tensors["c"].DType);
        Assert.Equal(0.5, content.Tensors["c"].Item());
    }

    [Fact]
    public void Round_trips_every_dtype_with_metadata_and_writes_the_expected_bytes()
    {
        var tensors = new Dictionary<string, Tensor>
        {
            ["w"] = Tensor.Randn([3, 4], new Generator(1)),
            ["d"] = Tensor.Randn([2], new Generator(2), DType.F64),
            ["i"] = Tensor.FromArray(new[] { 1, -2, 3 }),
            ["empty"] = Tensor.Zeros([0, 5]),
            ["t"] = Tensor.Randn([4, 3], new Generator(3)).MT, // a non-contiguous view
        };
        var path = PathOf("round.safetensors");
        SafeTensors.Save(path, tensors, new Dictionary<string, string> { ["step"] = "12" });
        SafeTensors.Save(path, tensors, new Dictionary<string, string> { ["step"] = "13" }); // overwrite in place
        Assert.Single(Directory.GetFiles(_dir));
        var back = SafeTensors.Load(path);
        Assert.Equal("13", back.Metadata["step"]);
        foreach (var (name, t) in tensors)
        {
            Assert.Equal(t.DType, back.Tensors[name].DType);
            Assert.Equal(t.Shape, back.Tensors[name].Shape);
            Assert.Equal(t.ToArray<double>(), back.Tensors[name].ToArray<double>());
        }
        var bytes = File.ReadAllBytes(path);
        long headerLength = BitConverter.ToInt64(bytes, 0);
        Assert.Equal(0, (8 + headerLength) % 8);
        Assert.Equal((byte)'{', bytes[8]);
    }

    private void AssertCorrupt(byte[] file, string? tensor, string fragment)
    {
        var path = PathOf("bad.safetensors");
        File.WriteAllBytes(path, file);
        var e = Assert.Throws<CheckpointException>(() => SafeTensors.Load(path));
        Assert.Equal(tensor, e.TensorName);
        Assert.Contains(fragment, e.Message);
    }

    private static string Entry(string name, string dtype, string shape, string offsets) =>
        $"\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":{shape},\"data_offsets\":{offsets}}}";

    [Fact]
    public void Each_corruption_is_a_typed_error_naming_the_tensor()
    {
        var eight = new byte[8];
        AssertCorrupt([1, 2, 3], null, "truncated");
        AssertCorrupt(Build("{}")[..9], null, "truncated");
        AssertCorrupt(Build("{\"a\":"), null, "not valid JSON");
        AssertCorrupt(Build("[]"), null, "not a JSON object");
        AssertCorrupt(Build("{" + Entry("x", "BF16", "[4]", "[0,8]") + "}", eight), "x", "BF16");
        AssertCorrupt(Build("{" + Entry("x", "F32", "[4]", "[0,16]") + "}", eight), "x", "run past");
        AssertCorrupt(Build("{" + Entry("x", "F32", "[3]", "[0,8]") + "}", eight), "x", "needs 12 bytes");
        AssertCorrupt(Build("{" + Entry("x", "F32", "[-1]", "[0,8]") + "}", eight), "x", "non-negative");
        AssertCorrupt(Build("{" + Entry("x", "F32", "[1]", "[4,0]") + "}", eight), "x", "begin <= end");
        AssertCorrupt(Build("{" + Entry("x", "F32", "[2]", "[0,8]") + "," + Entry("y", "F32", "[1]", "[4,8]") + "}", eight), "y", "overlap");
        AssertCorrupt(Build("{" + Entry("x", "F32", "[1]", "[0,4]") + "," + Entry("x", "F32", "[1]", "[4,8]") + "}", eight), "x", "twice");
        AssertCorrupt(Build("{\"x\":{\"shape\":[1],\"data_offsets\":[0,4]}}", eight), "x", "dtype");

        // A file cut short after a valid save.
        var path = PathOf("cut.safetensors");
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["w"] = Tensor.Ones([10]) });
        var full = File.ReadAllBytes(path);
        AssertCorrupt(full[..^4], "w", "run past");
    }

    [Fact]
    public void Module_save_and_load_by_hierarchical_name()
    {
        var path = PathOf("model.safetensors");
        var a = new ResNetBlock(8, 8, 4, 0, new Generator(1), groups: 4);
        var b = new ResNetBlock(8, 8, 4, 0, new Generator(2), groups: 4);
        a.Save(path, new Dictionary<string, string> { ["kind"] = "resnet" });
        Assert.Contains("conv1.weight", SafeTensors.Load(path).Tensors.Keys);
        b.Load(path);
        var sa = a.StateDict();
        foreach (var (name, t) in b.StateDict()) Assert.Equal(sa[name].ToArray(), t.ToArray());
        Assert.True(b.Conv1.Weight.RequiresGrad);
    }

    [Fact]
    public void Missing_tensor_shape_mismatch_and_extra_tensor_are_named()
    {
        var path = PathOf("partial.safetensors");
        var lin = new Linear(3, 2, new Generator(1));
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["weight"] = Tensor.Zeros([2, 3]) });
        var e = Assert.Throws<CheckpointException>(() => lin.Load(path));
        Assert.Equal("bias", e.TensorName);

        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["weight"] = Tensor.Zeros([3, 2]), ["bias"] = Tensor.Zeros([2]) });
        e = Assert.Throws<CheckpointException>(() => lin.Load(path));
        Assert.Equal("weight", e.TensorName);
        Assert.Contains("[2, 3]", e.Message);

        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["weight"] = Tensor.Zeros([2, 3]), ["bias"] = Tensor.Zeros([2]), ["extra"] = Tensor.Zeros([1]) });
        e = Assert.Throws<CheckpointException>(() => lin.Load(path));
        Assert.Equal("extra", e.TensorName);
        lin.Load(path, strict: false);
        Assert.All(lin.Weight.ToArray(), x => Assert.Equal(0f, x));
    }
}
