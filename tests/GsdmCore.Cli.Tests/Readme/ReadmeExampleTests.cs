namespace GsdmCore.Cli.Tests.Readme;

/// <summary>The README's "define a new problem" example is this project's LatinSquare.cs, verbatim, and it trains.</summary>
public sealed class ReadmeExampleTests
{
    private static string Normalise(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).Trim();

    [Fact]
    public void The_readme_shows_LatinSquare_cs_verbatim()
    {
        string root = GsdmProcess.RepositoryRoot;
        string readme = File.ReadAllText(Path.Combine(root, "README.md"));
        string source = File.ReadAllText(Path.Combine(root, "tests", "GsdmCore.Cli.Tests", "Readme", "LatinSquare.cs"));
        Assert.Contains(Normalise(source), Normalise(readme));
    }

    [Fact]
    public void The_latin_square_example_trains_and_samples_for_a_few_steps()
    {
        var report = LatinSquare.TrainAndSample(steps: 3);
        Assert.InRange(report["valid"], 0.0, 1.0);
    }

    [Fact]
    public void The_latin_square_generator_makes_valid_squares()
    {
        var problem = new LatinSquare(5);
        var batch = problem.Sample(16, seed: 3);
        Assert.Equal(1.0, problem.Evaluate(batch.Data, batch)["valid"]);
        Assert.Equal(25, problem.Graph.NodeCount);
        Assert.Equal(25 * 8, problem.Graph.DirectedEdgeCount); // 4 row + 4 column neighbours per cell
    }
}
