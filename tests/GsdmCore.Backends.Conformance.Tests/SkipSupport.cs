using GsdmCore.Backends.Cuda;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace GsdmCore.Backends.Conformance.Tests;

/// <summary>Marks a test class whose tests need a CUDA GPU: without one they are reported as skipped.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RequiresCudaAttribute : Attribute
{
    public static string? SkipReason => CudaBackend.IsCudaAvailable ? null : "no CUDA device on this machine (Device.IsCudaAvailable is false)";
}

/// <summary>A fact that runs only on a machine with (or, with requiresGpu: false, without) a CUDA GPU, and is skipped elsewhere.</summary>
public sealed class CudaFactAttribute : FactAttribute
{
    public CudaFactAttribute(bool requiresGpu = true)
    {
        if (CudaBackend.IsCudaAvailable != requiresGpu)
            Skip = requiresGpu ? RequiresCudaAttribute.SkipReason : "a CUDA device is present; this checks the no-GPU path";
    }
}

/// <summary>
/// A theory of the shared contract suite. When the concrete test class carries <see cref="RequiresCudaAttribute"/>
/// and no GPU is present, every case is reported as skipped (never a silent pass).
/// </summary>
[XunitTestCaseDiscoverer("GsdmCore.Backends.Conformance.Tests.ContractTheoryDiscoverer", "GsdmCore.Backends.Conformance.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class ContractTheoryAttribute : TheoryAttribute { }

public sealed class ContractTheoryDiscoverer : TheoryDiscoverer
{
    public ContractTheoryDiscoverer(IMessageSink diagnosticMessageSink) : base(diagnosticMessageSink) { }

    public override IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo theoryAttribute)
    {
        var type = testMethod.TestClass.Class.ToRuntimeType();
        string? reason = type.IsDefined(typeof(RequiresCudaAttribute), inherit: true) ? RequiresCudaAttribute.SkipReason : null;
        if (reason == null) return base.Discover(discoveryOptions, testMethod, theoryAttribute);
        // One skipped test per contract case, so the report lists each op as skipped.
        return ContractCases.All.Select(c => (IXunitTestCase)new XunitSkippedDataRowTestCase(DiagnosticMessageSink,
            discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, reason, [c.Name]));
    }
}
