using GsdmCore.Diffusion;
using GsdmCore.Problems;
using Xunit;

namespace GsdmCore.Problems.Tests;

public class SudokuTests
{
    private static readonly SudokuProblem Four = new(2, 2);

    /// <summary>Counts the valid 4x4 grids by exhaustive backtracking.</summary>
    private static int CountValid4x4()
    {
        var grid = new int[16];
        int count = 0;
        void Fill(int cell)
        {
            if (cell == 16) { count++; return; }
            for (int v = 0; v < 4; v++)
            {
                grid[cell] = v;
                bool ok = true;
                for (int other = 0; other < cell && ok; other++)
                {
                    int r = cell / 4, c = cell % 4, ro = other / 4, co = other % 4;
                    bool peer = r == ro || c == co || (r / 2 == ro / 2 && c / 2 == co / 2);
                    ok = !(peer && grid[other] == v);
                }
                if (ok) Fill(cell + 1);
            }
        }
        Fill(0);
        return count;
    }

    [Fact]
    public void The_4x4_generator_reaches_all_288_grids_and_only_valid_ones()
    {
        Assert.Equal(288, CountValid4x4());
        var seen = new HashSet<string>();
        int draws = 0;
        var batch = Four.Sample(4000, seed: 7);
        for (int b = 0; b < batch.Size && seen.Count < 288; b++, draws++)
        {
            var grid = Four.Values(batch.Row(b));
            Assert.True(SudokuGridGenerator.IsValid(grid, 2, 2), Four.RenderGrid(grid, null));
            seen.Add(string.Join("", grid));
        }
        Assert.Equal(288, seen.Count);
        Assert.True(draws <= 4000);
    }

    [Theory]
    [InlineData(2, 3, 40)]
    [InlineData(3, 3, 30)]
    [InlineData(4, 4, 3)]
    [InlineData(3, 2, 20)]
    public void Generated_grids_are_valid_for_every_block_shape(int rows, int cols, int count)
    {
        var problem = new SudokuProblem(rows, cols);
        var batch = problem.Sample(count, seed: 3);
        for (int b = 0; b < count; b++)
        {
            var grid = problem.Values(batch.Row(b));
            Assert.True(SudokuGridGenerator.IsValid(grid, rows, cols), problem.RenderGrid(grid, null));
            Assert.Equal(0, problem.Clashes(grid));
        }
    }

    [Fact]
    public void Data_are_one_hot_and_deterministic_per_seed_and_item()
    {
        var a = Four.Sample(6, seed: 11);
        var b = Four.Sample(3, seed: 11);
        var c = Four.Sample(3, seed: 12);
        var da = a.Data.ToArray();
        Assert.Equal([6, 64], a.Data.Shape);
        Assert.All(Enumerable.Range(0, 6 * 16), k => Assert.Equal(1f, da.Skip(k * 4).Take(4).Sum()));
        Assert.Equal(da[..(3 * 64)], b.Data.ToArray());
        Assert.Equal(a.ObservedNodes.ToArray()[..(3 * 16)], b.ObservedNodes.ToArray());
        Assert.NotEqual(b.Data.ToArray(), c.Data.ToArray());
    }

    [Fact]
    public void Observed_subsets_have_uniform_size_below_the_cell_count()
    {
        var batch = Four.Sample(3000, seed: 5);
        var mask = batch.ObservedNodes.ToArray();
        var sizes = Enumerable.Range(0, 3000).Select(b => (int)mask.Skip(b * 16).Take(16).Sum()).ToArray();
        Assert.Equal(0, sizes.Min());
        Assert.Equal(15, sizes.Max());
        foreach (var group in sizes.GroupBy(s => s)) Assert.InRange(group.Count(), 3000 / 16 / 2, 3000 / 16 * 2);
        var features = batch.ObservedFeatures.ToArray();
        for (int i = 0; i < 16 * 4; i++) Assert.Equal(mask[i / 4], features[i]);

        var fixedFraction = Four.Sample(10, seed: 5, observedFraction: 0.5).ObservedNodes.ToArray();
        Assert.All(Enumerable.Range(0, 10), b => Assert.Equal(8f, fixedFraction.Skip(b * 16).Take(16).Sum()));
    }

    private static float[] Encode(SudokuProblem p, int[] grid)
    {
        var row = new float[p.Graph.Features.Width];
        for (int i = 0; i < grid.Length; i++) p.Graph.Features.WriteClass(row, i, grid[i]);
        return row;
    }

    [Fact]
    public void Metrics_match_hand_computed_cases()
    {
        int[] valid = [0, 1, 2, 3, 2, 3, 0, 1, 1, 0, 3, 2, 3, 2, 1, 0];
        Assert.True(SudokuGridGenerator.IsValid(valid, 2, 2));
        // (0,0) takes the value of (0,1): it now equals (0,1) (row and block) and (2,0) (column): 2 pairs = 4 directed.
        var broken = (int[])valid.Clone();
        broken[0] = 1;
        Assert.Equal(4, Four.Clashes(broken));
        Assert.Equal(16 * 7, Four.Clashes(new int[16]));

        var observed = new float[32];
        observed[0] = 1;            // datum 0: clue at cell 0
        observed[16 + 5] = 1;       // datum 1: clue at cell 5
        var conditioning = new ProblemBatch(Four.Graph, 2, Encode(Four, valid).Concat(Encode(Four, valid)).ToArray(), observed);
        var samples = Tensor.FromArray(Encode(Four, broken).Concat(Encode(Four, valid)).ToArray(), [2, 64]);
        var metrics = Four.Evaluate(samples, conditioning);
        Assert.Equal(2.0, metrics["clashes"]);
        Assert.Equal(0.5, metrics["without_clashes"]);
        Assert.Equal(0.5, metrics["clue_accuracy"]);
        Assert.Equal(0.5, metrics["matches_clues"]);
        Assert.Equal(0.5, metrics["solved"]);
        Assert.Contains("clashes = 2", metrics.ToString());
    }

    [Fact]
    public void Rendering_draws_the_grid_with_block_rules()
    {
        int[] valid = [0, 1, 2, 3, 2, 3, 0, 1, 1, 0, 3, 2, 3, 2, 1, 0];
        var samples = Tensor.FromArray(Encode(Four, valid), [1, 64]);
        Assert.Equal(" 1 2 | 3 4\n 3 4 | 1 2\n-----+-----\n 2 1 | 4 3\n 4 3 | 2 1", Four.Render(samples, 0).Replace("\r", ""));
        var batch = new ProblemBatch(Four.Graph, 1, Encode(Four, valid), [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
        Assert.StartsWith(" 1 . | . .\n . 4 | . .", Four.RenderPuzzle(batch, 0).Replace("\r", ""));
        Assert.Contains("G", new SudokuProblem(4, 4).RenderGrid(Enumerable.Range(0, 256).Select(i => (i % 16 + i / 16 * 4 + i / 64) % 16).ToArray(), null));
        Assert.Throws<ArgumentException>(() => Four.Render(Tensor.FromArray(new float[63], [1, 63]), 0));
    }

    [Fact]
    public void Exchangeable_embedding_is_one_id_per_row_segment()
    {
        var ee = new SudokuProblem().Graph.Embeddings(EmbeddingVariant.Exchangeable);
        Assert.Equal(27, ee.Count);
        var nine = new SudokuProblem();
        Assert.Equal(ee.Id(nine.NodeId(4, 3)), ee.Id(nine.NodeId(4, 5)));
        Assert.NotEqual(ee.Id(nine.NodeId(4, 3)), ee.Id(nine.NodeId(4, 2)));
        Assert.NotEqual(ee.Id(nine.NodeId(4, 3)), ee.Id(nine.NodeId(5, 3)));
        Assert.Equal(6 * 2, new SudokuProblem(2, 3).Graph.Embeddings(EmbeddingVariant.Exchangeable).Count); // 6 rows x 2 segments of 3
        Assert.Equal(1, new SudokuProblem(3, 3, rowSegmentEmbeddings: false).Graph.Embeddings(EmbeddingVariant.Exchangeable).Count);
        Assert.Equal(1, nine.Graph.Embeddings(EmbeddingVariant.Array).Count);
    }
}
