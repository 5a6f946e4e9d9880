using GsdmCore.Diffusion;
using Xunit;

namespace GsdmCore.Diffusion.Graphs.Tests;

public class SpecValidationTests
{
    private static GraphSpecException Throws(GraphSpecError error, Action action, params string[] mentions)
    {
        var ex = Assert.Throws<GraphSpecException>(action);
        Assert.Equal(error, ex.Error);
        foreach (var m in mentions) Assert.Contains(m, ex.Message);
        return ex;
    }

    [Fact]
    public void Duplicate_array_name_is_rejected()
    {
        var m = new GraphicalModelBuilder("dup");
        m.Continuous("A", ("t", 2));
        Throws(GraphSpecError.DuplicateArray, () => m.Categorical("A", 3, ("n", 2)), "'A'", "already exists", "'dup'");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(0)]
    [InlineData(-3)]
    public void Categorical_with_fewer_than_two_classes_is_rejected(int k)
    {
        var m = new GraphicalModelBuilder("k");
        Throws(GraphSpecError.InvalidClasses, () => m.Categorical("R", k, ("t", 2)), "'R'", "K >= 2", $"K = {k}");
    }

    [Fact]
    public void Empty_array_is_rejected()
    {
        var m = new GraphicalModelBuilder("empty");
        Throws(GraphSpecError.EmptyArray, () => m.Continuous("A", ("t", 3), ("m", 0)), "'A'", "'m'", "size 0");
    }

    [Fact]
    public void Repeated_index_name_in_one_array_is_rejected()
    {
        var m = new GraphicalModelBuilder("rep");
        Throws(GraphSpecError.DuplicateIndexName, () => m.Continuous("A", ("t", 3), ("t", 2)), "'t'");
    }

    [Fact]
    public void Plate_naming_an_unknown_index_is_rejected()
    {
        var m = new GraphicalModelBuilder("plates");
        var a = m.Continuous("A", ("t", 3), ("m", 2));
        var e = m.Continuous("E", ("n", 2), ("m", 2));
        Throws(GraphSpecError.UnknownPlateIndex, () => m.Plate("q"), "plate 'q'", "no array");
        Throws(GraphSpecError.UnknownPlateIndex, () => m.Plate("t", a, e), "'E'", "no index 't'");
    }

    [Fact]
    public void Plate_with_inconsistent_sizes_or_twice_is_rejected()
    {
        var m = new GraphicalModelBuilder("plates");
        m.Continuous("A", ("t", 3));
        m.Continuous("B", ("t", 4));
        Throws(GraphSpecError.PlateSizeMismatch, () => m.Plate("t"), "size 3", "4", "'B'");
        var m2 = new GraphicalModelBuilder("plates2");
        m2.Continuous("A", ("t", 3));
        m2.Plate("t");
        Throws(GraphSpecError.DuplicatePlate, () => m2.Plate("t"), "twice");
    }

    [Fact]
    public void Edge_to_a_node_of_another_model_is_rejected()
    {
        var m = new GraphicalModelBuilder("mine");
        var a = m.Continuous("A", ("i", 2));
        var other = new GraphicalModelBuilder("theirs");
        var b = other.Continuous("B", ("i", 2));
        Throws(GraphSpecError.UnknownNode, () => m.Edge(a[0], b[1]), "B[1]", "not an array of this model", "'theirs'");
        Throws(GraphSpecError.UnknownNode, () => m.Edge(a[0], default), "default(NodeRef)");
        Throws(GraphSpecError.UnknownNode, () => m.Factor(a[1], b[0]), "B[0]");
    }

    [Fact]
    public void Out_of_range_index_and_unknown_names_are_rejected()
    {
        var m = new GraphicalModelBuilder("range");
        var r = m.Categorical("R", 2, ("t", 3), ("n", 4));
        Throws(GraphSpecError.IndexOutOfRange, () => _ = r[3, 0], "R[3,0]", "'t'", "0..2");
        Throws(GraphSpecError.IndexOutOfRange, () => _ = r[1], "2 index dimension(s)");
        Throws(GraphSpecError.UnknownArray, () => m.Node("Q", 0), "'Q'", "[R]");
        Throws(GraphSpecError.UnknownIndexName, () => _ = r[0, 0]["m"], "no index 'm'");
    }

    [Fact]
    public void Empty_factor_and_bad_names_are_rejected()
    {
        var m = new GraphicalModelBuilder("misc");
        Throws(GraphSpecError.EmptyFactor, () => m.Factor(), "at least one node");
        Throws(GraphSpecError.InvalidName, () => m.Continuous("A B"), "'A B'");
        Throws(GraphSpecError.InvalidName, () => m.Continuous("A", ("x[0]", 2)), "'x[0]'");
        Throws(GraphSpecError.InvalidName, () => new GraphicalModelBuilder(""), "invalid");
    }

    [Fact]
    public void A_built_model_is_frozen()
    {
        var m = new GraphicalModelBuilder("frozen");
        var a = m.Continuous("A", ("i", 2));
        var built = m.Build();
        Assert.Same(built, m.Build());
        Throws(GraphSpecError.ModelFrozen, () => m.Continuous("B"), "already built");
        Throws(GraphSpecError.ModelFrozen, () => m.Edge(a[0], a[1]));
        Throws(GraphSpecError.ModelFrozen, () => a.Observed());
        Throws(GraphSpecError.ModelFrozen, () => a.ShareEmbeddings(x => 0));
    }

    [Fact]
    public void Invalid_permutations_are_rejected()
    {
        var m = new GraphicalModelBuilder("perm");
        var a = m.Continuous("A", ("i", 3));
        var g = m.Compile();
        Throws(GraphSpecError.InvalidPermutation, () => g.Permutation("collapse", x => a[0]), "bijection");
        Throws(GraphSpecError.InvalidPermutation, () => g.Permutation("short", [0, 1]), "2 entries");
        Throws(GraphSpecError.UnknownPlateIndex, () => g.PlateGenerators("i"), "no plate");
    }
}
