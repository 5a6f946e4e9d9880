using GsdmCore.Backends.Cpu;
using GsdmCore.Backends.Cuda;
using Xunit;

namespace GsdmCore.Backends.Conformance.Tests;

/// <summary>
/// The ILGPU CPU-accelerator backend shared by every test of the collection: its kernels compile once per
/// test run. Remembers which contract cases already ran on it, so the PTX check can make sure every kernel
/// has been compiled without running a case twice.
/// </summary>
public sealed class IlgpuCpuFixture
{
    private readonly HashSet<string> _ran = new();

    public CudaBackend Backend => CudaBackend.IlgpuCpu;

    /// <summary>Runs a contract case against the CPU backend (again, if asked twice by name).</summary>
    public void RunOnce(string name)
    {
        ContractCases.Get(name).Run(Backend, CpuBackend.Instance);
        lock (_ran) _ran.Add(name);
    }

    /// <summary>Runs every case that has not run yet, so that every kernel is compiled.</summary>
    public void RunRemaining()
    {
        foreach (var c in ContractCases.All)
        {
            lock (_ran) if (_ran.Contains(c.Name)) continue;
            RunOnce(c.Name);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class IlgpuCpuCollection : ICollectionFixture<IlgpuCpuFixture>
{
    public const string Name = "ilgpu-cpu";
}
