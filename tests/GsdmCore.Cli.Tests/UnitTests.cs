using GsdmCore.Cli.Errors;
using GsdmCore.Cli.Observations;
using GsdmCore.Cli.ProblemSetup;
using GsdmCore.Cli.Settings;
using GsdmCore.Problems;

namespace GsdmCore.Cli.Tests;

/// <summary>In-process checks of the CLI's parsers.</summary>
public sealed class UnitTests
{
    private static readonly SudokuProblem Sudoku4 = new(2, 2);

    [Fact]
    public void Sudoku_clues_ignore_separators_and_read_blanks()
    {
        var grid = SudokuClues.Parse(Sudoku4, "1 . | 0 _\n. . | . 4\n-----+-----\n.2.. ....", "--observe");
        Assert.Equal(16, grid.Length);
        Assert.Equal(0, grid[0]);
        Assert.Equal(-1, grid[1]);
        Assert.Equal(3, grid[7]);
        Assert.Equal(1, grid[9]);
    }

    [Fact]
    public void A_sudoku_file_may_hold_several_puzzles()
    {
        var puzzles = SudokuClues.ParseMany(Sudoku4, "1...........\n....2...........\n...3", "file");
        Assert.Equal(2, puzzles.Count);
        var e = Assert.Throws<UsageException>(() => SudokuClues.ParseMany(Sudoku4, "1234", "file"));
        Assert.Contains("needs 16 cells, got 4", e.Message);
    }

    [Fact]
    public void Values_are_read_for_the_observed_arrays()
    {
        var sorting = new SortingProblem(3);
        var values = ValueObservation.ParseMany(sorting, "0.5, -1, 2", "--observe", exactlyOne: true);
        Assert.Equal([0.5f, -1f, 2f], values[0]);
        var e = Assert.Throws<UsageException>(() => ValueObservation.ParseMany(sorting, "1 2", "--observe", exactlyOne: true));
        Assert.Contains("takes 3 values", e.Message);
        var boolean = new BooleanCircuitProblem(2);
        Assert.Throws<UsageException>(() => ValueObservation.ParseMany(boolean, "0 1 2 1", "--observe", exactlyOne: true));
    }

    [Fact]
    public void Flat_yaml_reads_pairs_comments_and_quotes_and_refuses_nesting()
    {
        var pairs = FlatYaml.Parse("---\n# c\nproblem: sudoku   # trailing\nout: \"runs/a b\"\nlr: 1e-3\n", "f.yaml");
        Assert.Equal([new("problem", "sudoku"), new("out", "runs/a b"), new("lr", "1e-3")], pairs);
        var e = Assert.Throws<UsageException>(() => FlatYaml.Parse("lr: 1\n  dim: 3\n", "f.yaml"));
        Assert.Contains("line 2", e.Message);
        Assert.Contains("nested", Assert.Throws<UsageException>(() => FlatYaml.Parse("model:\n", "f.yaml")).Message);
    }

    [Theory]
    [InlineData("sudoku-2x2", ProblemKind.Sudoku)]
    [InlineData("sorting-n5-noint", ProblemKind.Sorting)]
    [InlineData("bcmf-t2-n4-m3", ProblemKind.Bcmf)]
    [InlineData("boolean-d3", ProblemKind.Boolean)]
    public void Problem_names_round_trip(string name, ProblemKind kind)
    {
        var spec = ProblemSpec.FromName(name);
        Assert.NotNull(spec);
        Assert.Equal(kind, spec.Kind);
        Assert.Equal(name, spec.Create().Name);
    }

    [Fact]
    public void Model_choices_parse_and_refuse_clearly()
    {
        Assert.Equal(Diffusion.EmbeddingVariant.Array, ModelChoices.Embeddings("ae"));
        Assert.Equal(Diffusion.AttentionKind.MaskedDense, ModelChoices.Attention("masked"));
        Assert.Equal(Diffusion.DiffusionKind.Multinomial, ModelChoices.Diffusion("multinomial"));
        Assert.Equal(Diffusion.DiffusionKind.Absorbing, ModelChoices.Diffusion("absorbing"));
        Assert.Contains("unknown --diffusion", Assert.Throws<UsageException>(() => ModelChoices.Diffusion("poisson")).Message);
        Assert.Throws<UsageException>(() => ModelChoices.Attention("global"));
        Assert.Throws<UsageException>(() => ProblemSpec.ParseBlock("3by3"));
    }
}
