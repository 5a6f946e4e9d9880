using System.Diagnostics;
using System.Runtime.Intrinsics;
using Xunit;
using Xunit.Abstractions;

namespace GsdmCore.Backends.Conformance.Tests;

/// <summary>
/// The CPU kernels choose their code by the vector width the machine accelerates (512-bit, 256-bit, 128-bit or scalar
/// loops), and the in-process suite only reaches the widest. Each test here reruns the whole CPU contract suite in a
/// child process with the runtime's switches for the wider instruction sets off (<c>DOTNET_EnableAVX512F=0</c>: an
/// AVX2 machine such as Zen 3; <c>DOTNET_EnableAVX=0</c>: SSE only, no 256-bit vectors), so every width's kernels meet
/// the scalar reference on whatever machine runs the tests.
/// </summary>
public sealed class InstructionSetTests(ITestOutputHelper output)
{
    [Fact]
    public void Cpu_contract_holds_without_avx512() =>
        RunChild(("DOTNET_EnableAVX512F", "0"), expect512: false, expect256: Vector256.IsHardwareAccelerated);

    [Fact]
    public void Cpu_contract_holds_without_256_bit_vectors() =>
        RunChild(("DOTNET_EnableAVX", "0"), expect512: false, expect256: false);

    private void RunChild((string Name, string Value) setting, bool expect512, bool expect256)
    {
        string assembly = typeof(Program).Assembly.Location;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(assembly);
        start.ArgumentList.Add(Program.CpuContractArgument);
        start.Environment[setting.Name] = setting.Value;
        using var child = Process.Start(start)!;
        var stderr = child.StandardError.ReadToEndAsync();
        string stdout = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        output.WriteLine(stdout);
        output.WriteLine(stderr.Result);
        Assert.Contains($"vectors: 512-bit {expect512}, 256-bit {expect256}", stdout);
        Assert.Contains("cpu contract: ", stdout);
        Assert.DoesNotContain("FAIL ", stdout);
        Assert.Equal(0, child.ExitCode);
    }
}
