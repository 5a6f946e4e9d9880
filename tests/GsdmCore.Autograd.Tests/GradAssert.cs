using Xunit.Sdk;

namespace GsdmCore.AutogradTests;

/// <summary>Runs GradCheck (float64 central differences) on ops that see their leaves through views.</summary>
internal static class GradAssert
{
    /// <summary>Small shapes keep the 2 x (leaf elements) forward passes cheap.</summary>
    public static FsCheck.Gen<int[]> SmallShape(int minRank = 0, int maxRank = 3) => Gens.Shape(minRank, maxRank, maxExtent: 3);

    public static readonly ViewKind[] Views = Gens.AllViews;

    public static TheoryData<string, ViewKind> Matrix(IEnumerable<string> names)
    {
        var data = new TheoryData<string, ViewKind>();
        foreach (var name in names)
            foreach (var view in Views)
                data.Add(name, view);
        return data;
    }

    /// <summary>Checks <paramref name="f"/> applied to the inputs' views; fails with the worst element and the inputs.</summary>
    public static void Passes(string what, Func<Tensor[], Tensor> f, params GradInput[] inputs)
    {
        var recipes = inputs.Select(i => i.Recipe).ToArray();
        var result = GradCheck.Run(leaves => f(leaves.Select((leaf, i) => recipes[i].Apply(leaf)).ToArray()), inputs.Select(i => i.Leaf()).ToArray());
        if (!result.Passed)
            throw new XunitException($"{what} on {string.Join(" and ", inputs.Select(i => i.ToString()))}: {result}");
    }

    /// <summary>Checks <paramref name="f"/> at plain F64 leaves.</summary>
    public static void Passes(string what, Func<Tensor[], Tensor> f, Tensor[] leaves, double eps = 1e-6, double atol = 1e-5, double rtol = 1e-4)
    {
        var result = GradCheck.Run(f, leaves, eps, atol, rtol);
        if (!result.Passed) throw new XunitException($"{what}: {result}");
    }
}
