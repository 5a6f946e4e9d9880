using GsdmCore.Backends.Cuda;
using ILGPU.Backends;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using Xunit;

namespace GsdmCore.Backends.Conformance.Tests;

/// <summary>
/// Every kernel the contract suite compiled for the CPU accelerator also compiles to PTX for sm_90 (H100 /
/// H200): catches constructs ILGPU's GPU backend rejects, without a GPU.
/// </summary>
[Collection(IlgpuCpuCollection.Name)]
public sealed class PtxCompileTests
{
    private readonly IlgpuCpuFixture _fixture;

    public PtxCompileTests(IlgpuCpuFixture fixture) => _fixture = fixture;

    [Fact]
    public void Every_kernel_compiles_to_PTX_for_sm_90()
    {
        _fixture.RunRemaining();
        var kernels = _fixture.Backend.Kernels.Compiled;
        Assert.True(kernels.Count >= 30, $"only {kernels.Count} kernels were compiled by the suite");
        using var context = IlgpuDevices.CreateCompileOnlyContext();
        using var ptx = new PTXBackend(context, new CudaCapabilityContext(CudaArchitecture.SM_90), CudaArchitecture.SM_90, CudaInstructionSet.ISA_80, null);
        var failures = new List<string>();
        foreach (var (method, grouped) in kernels)
        {
            try
            {
                var entry = grouped ? EntryPointDescription.FromExplicitlyGroupedKernel(method)
                    : EntryPointDescription.FromImplicitlyGroupedKernel(method);
                var compiled = (PTXCompiledKernel)ptx.Compile(entry, KernelSpecialization.Empty);
                if (!compiled.PTXAssembly.Contains(".entry")) failures.Add($"{Describe(method)}: no .entry in the PTX");
            }
            catch (Exception e)
            {
                failures.Add($"{Describe(method)}: {e.GetType().Name}: {e.Message}");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static string Describe(System.Reflection.MethodInfo m) =>
        $"{m.DeclaringType?.Name}.{m.Name}<{string.Join(", ", m.GetGenericArguments().Select(a => a.Name))}>";
}
