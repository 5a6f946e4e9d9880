using GsdmCore.Backends.Cpu;
using GsdmCore.Backends.Cuda;
using Xunit;

namespace GsdmCore.Backends.Conformance.Tests;

/// <summary>
/// The backend contract, checked method by method (see <see cref="ContractCases"/>): every method of
/// <see cref="Backend"/> on contiguous, strided (transposed), narrowed-with-offset and broadcast (stride 0)
/// views of small random shapes, in F32 and F64 (and I32 where the contract takes it), against a reference
/// backend given the same bytes. A result matches when |got - ref| &lt;= atol + rtol * |ref|:
/// F32 atol 1e-4 / rtol 1e-4, F64 atol 1e-10 / rtol 1e-10 (<see cref="Tolerance.F32"/>, <see cref="Tolerance.F64"/>);
/// copies, fills, gathers, arg-reductions, I32 results and Philox uniforms must be exact, Philox normals agree
/// to float rounding (<see cref="Tolerance.Normal"/>). Errors (bad indices, integer inputs to float ops)
/// must be the same exception type with the same message.
/// Instantiated per backend: CPU vs the scalar reference, the ILGPU kernels on ILGPU's CPU accelerator vs
/// the CPU backend (CI runs every kernel this way), and the ILGPU kernels on a CUDA GPU vs the CPU backend
/// (reported as skipped without a GPU).
/// </summary>
public abstract class BackendContractTests
{
    /// <summary>The backend under test.</summary>
    protected abstract Backend Backend { get; }

    /// <summary>What it is compared with.</summary>
    protected abstract Backend Reference { get; }

    public static TheoryData<string> CaseNames => new(ContractCases.All.Select(c => c.Name));

    [ContractTheory]
    [MemberData(nameof(CaseNames))]
    public void Matches_reference(string name) => Run(name);

    /// <summary>Runs one case; subclasses may route it through a shared fixture.</summary>
    protected virtual void Run(string name) => ContractCases.Get(name).Run(Backend, Reference);
}

/// <summary>The CPU backend against plain scalar loops.</summary>
public sealed class CpuContractTests : BackendContractTests
{
    protected override Backend Backend => CpuBackend.Instance;
    protected override Backend Reference => ScalarBackend.Instance;
}

/// <summary>The ILGPU kernels on ILGPU's CPU accelerator against the CPU backend (each kernel compiles once per run).</summary>
[Collection(IlgpuCpuCollection.Name)]
public sealed class IlgpuCpuContractTests : BackendContractTests
{
    private readonly IlgpuCpuFixture _fixture;

    public IlgpuCpuContractTests(IlgpuCpuFixture fixture) => _fixture = fixture;

    protected override Backend Backend => _fixture.Backend;
    protected override Backend Reference => CpuBackend.Instance;

    protected override void Run(string name) => _fixture.RunOnce(name);
}

/// <summary>The ILGPU kernels on CUDA device 0 against the CPU backend; skipped when no GPU is present.</summary>
[RequiresCuda]
public sealed class CudaContractTests : BackendContractTests
{
    protected override Backend Backend => CudaBackend.Cuda(0);
    protected override Backend Reference => CpuBackend.Instance;
}
