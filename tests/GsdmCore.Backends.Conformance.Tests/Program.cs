using System.Runtime.Intrinsics;
using GsdmCore.Backends.Cpu;

namespace GsdmCore.Backends.Conformance.Tests;

/// <summary>
/// The test assembly's entry point (the test SDK's generated one is turned off). Under <c>dotnet test</c> it is never
/// called. Run as <c>dotnet GsdmCore.Backends.Conformance.Tests.dll --cpu-contract</c>, it checks the CPU backend
/// against the scalar reference over every contract case and exits 0 when all pass: <see cref="InstructionSetTests"/>
/// runs it in child processes with wide vector instructions switched off, so the narrower kernels are tested on any
/// machine.
/// </summary>
public static class Program
{
    /// <summary>The argument that selects the contract run.</summary>
    public const string CpuContractArgument = "--cpu-contract";

    public static int Main(string[] args)
    {
        if (args.Length == 0 || args[0] != CpuContractArgument)
        {
            Console.Error.WriteLine($"usage: dotnet GsdmCore.Backends.Conformance.Tests.dll {CpuContractArgument}");
            return 2;
        }
        Console.WriteLine($"vectors: 512-bit {Vector512.IsHardwareAccelerated}, 256-bit {Vector256.IsHardwareAccelerated}, 128-bit {Vector128.IsHardwareAccelerated}");
        int failed = 0, passed = 0;
        foreach (var c in ContractCases.All)
        {
            try
            {
                c.Run(CpuBackend.Instance, ScalarBackend.Instance);
                passed++;
            }
            catch (Exception e)
            {
                failed++;
                Console.WriteLine($"FAIL {c.Name}: {e.GetType().Name}: {e.Message}");
            }
        }
        Console.WriteLine($"cpu contract: {passed} passed, {failed} failed");
        return failed == 0 ? 0 : 1;
    }
}
