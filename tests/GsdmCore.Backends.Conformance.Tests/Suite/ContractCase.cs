using GsdmCore.Backends;

namespace GsdmCore.Backends.Conformance;

/// <summary>One named check of the backend contract: runs the backend under test against the reference.</summary>
public sealed record ContractCase(string Name, Action<Backend, Backend, Random> Body)
{
    /// <summary>Runs the check with inputs drawn from a generator seeded by the case name.</summary>
    public void Run(Backend sut, Backend reference) => Body(sut, reference, new Random(Shapes.Seed(Name)));

    public override string ToString() => Name;
}

/// <summary>Every check, in a fixed order: the list the xunit suite and the GPU console runner share.</summary>
public static class ContractCases
{
    public static IReadOnlyList<ContractCase> All { get; } =
        MemoryCases.All()
            .Concat(ElementwiseCases.All())
            .Concat(ReduceCases.All())
            .Concat(MatmulCases.All())
            .Concat(IndexCases.All())
            .Concat(FusedCases.All())
            .Concat(DenseAttentionCases.All())
            .Concat(LongRunCases.All())
            .ToArray();

    public static ContractCase Get(string name) => All.First(c => c.Name == name);
}
