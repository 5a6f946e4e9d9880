using System.Text;
using GsdmCore.Diffusion;

namespace GsdmCore.Problems;

/// <summary>
/// Sudoku with blocks of <see cref="BlockRows"/> × <see cref="BlockCols"/> cells (2x2 → 4x4 grid, 2x3 → 6x6,
/// 3x3 → 9x9, 4x4 → 16x16): one categorical node per cell with K = side classes, joined to every cell sharing its
/// row, column or block (three families of factors). Data are complete grids from a randomised backtracking fill
/// that reaches every valid grid; each datum observes a random subset of cells whose size is uniform on
/// 0 .. cells - 1, as the reference does. The exchangeable embedding follows the reference: one id per row segment
/// (the <see cref="BlockCols"/> cells of one row inside one block).
/// </summary>
public sealed class SudokuProblem : Problem
{
    private const string Digits = "123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz@#";

    /// <summary>Rows per block.</summary>
    public int BlockRows { get; }

    /// <summary>Columns per block.</summary>
    public int BlockCols { get; }

    /// <summary>Side of the grid (= classes K = BlockRows × BlockCols).</summary>
    public int Side { get; }

    /// <summary>Number of cells (Side²).</summary>
    public int CellCount => Side * Side;

    /// <summary>The cell array, <c>cell[row, col]</c>.</summary>
    public VariableArray Cell { get; }

    /// <inheritdoc />
    public override string Name => $"sudoku-{BlockRows}x{BlockCols}";

    /// <summary>
    /// A Sudoku of blocks <paramref name="blockRows"/> × <paramref name="blockCols"/> (default 3x3, the 9x9 puzzle).
    /// <paramref name="rowSegmentEmbeddings"/> selects the reference's exchangeable grouping (one id per row segment);
    /// false gives all cells one exchangeable id.
    /// </summary>
    public SudokuProblem(int blockRows = 3, int blockCols = 3, bool rowSegmentEmbeddings = true)
        : base(BuildModel(blockRows, blockCols, rowSegmentEmbeddings))
    {
        BlockRows = blockRows;
        BlockCols = blockCols;
        Side = blockRows * blockCols;
        Cell = Model.Array("cell");
    }

    /// <summary>
    /// The graphical model of a Sudoku with blocks of <paramref name="blockRows"/> × <paramref name="blockCols"/> cells:
    /// array cell[row, col], one factor per row, per column and per block.
    /// </summary>
    public static GraphicalModel BuildModel(int blockRows, int blockCols, bool rowSegmentEmbeddings = true)
    {
        if (blockRows < 1 || blockCols < 1 || blockRows * blockCols < 2 || blockRows * blockCols > 64)
            throw new ArgumentOutOfRangeException(nameof(blockRows), $"blocks of {blockRows}x{blockCols} cells give a side of {blockRows * blockCols}; need 2..64.");
        int side = blockRows * blockCols;
        var m = new GraphicalModelBuilder($"sudoku-{blockRows}x{blockCols}");
        var cell = m.Categorical("cell", side, ("row", side), ("col", side));
        m.FactorsBy(cell, "row");
        m.FactorsBy(cell, "col");
        m.FactorsBy(cell, c => (c["row"] / blockRows, c["col"] / blockCols));
        if (rowSegmentEmbeddings) cell.ShareEmbeddings(c => c["row"] * (side / blockCols) + c["col"] / blockCols);
        return m.Build();
    }

    /// <summary>The node id of cell (<paramref name="row"/>, <paramref name="col"/>).</summary>
    public int NodeId(int row, int col) => Graph.NodeId(Cell[row, col]);

    /// <inheritdoc />
    protected override void Generate(Span<float> row, ProblemRandom rng)
    {
        var grid = SudokuGridGenerator.Generate(BlockRows, BlockCols, rng);
        for (int i = 0; i < grid.Length; i++) Layout.WriteClass(row, i, grid[i]);
    }

    /// <summary>
    /// A batch whose data observe a random subset of cells: of uniform size on 0 .. cells - 1 (the reference's
    /// training distribution) when <paramref name="observedFraction"/> is null, else of exactly
    /// ⌊cells × fraction⌋ cells (the reference's evaluation at 0, 0.2, 0.5, 0.8).
    /// </summary>
    public ProblemBatch Sample(int batch, ulong seed, double? observedFraction)
    {
        if (observedFraction is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(observedFraction), $"a fraction must lie in [0, 1], got {observedFraction}.");
        return Sample(batch, seed, (mask, rng) => ObserveSubset(mask, rng, observedFraction));
    }

    /// <summary>Random subsets of uniform size on 0 .. cells - 1, as in training.</summary>
    protected override void Observe(Span<float> mask, ProblemRandom rng) => ObserveSubset(mask, rng, null);

    private void ObserveSubset(Span<float> mask, ProblemRandom rng, double? fraction)
    {
        int count = fraction is { } f ? (int)(CellCount * f) : rng.NextInt(CellCount);
        var order = rng.Permutation(CellCount);
        mask.Clear();
        for (int k = 0; k < count; k++) mask[order[k]] = 1f;
    }

    /// <summary>The grid (row-major, values 0 .. side - 1) of one flat row: the argmax of each cell.</summary>
    public int[] Values(ReadOnlySpan<float> row)
    {
        var grid = new int[CellCount];
        for (int i = 0; i < CellCount; i++) grid[i] = Layout.ReadClass(row, i);
        return grid;
    }

    /// <summary>Equal pairs over the directed constraint edges (each clashing pair counts twice, as in the reference).</summary>
    public int Clashes(ReadOnlySpan<int> grid)
    {
        var att = Graph.Attention;
        var rp = att.RowPointers;
        var cols = att.Columns;
        int clashes = 0;
        for (int i = 0; i < CellCount; i++)
            for (int e = rp[i]; e < rp[i + 1]; e++)
                if (cols[e] != i && grid[cols[e]] == grid[i]) clashes++;
        return clashes;
    }

    /// <summary>
    /// clashes (mean equal pairs over directed edges per grid), without_clashes (fraction of grids with none),
    /// clue_accuracy (fraction of observed cells reproduced), matches_clues (fraction of grids reproducing all their
    /// clues), solved (fraction without clashes that match their clues).
    /// </summary>
    protected override MetricReport Evaluate(ReadOnlySpan<float> samples, int batch, ProblemBatch conditioning)
    {
        int width = Layout.Width;
        double clashSum = 0;
        int clean = 0, matching = 0, solved = 0, clues = 0, cluesHit = 0;
        for (int b = 0; b < batch; b++)
        {
            var grid = Values(samples.Slice(b * width, width));
            var truth = conditioning.Row(b);
            int clashes = Clashes(grid);
            clashSum += clashes;
            bool match = true;
            for (int i = 0; i < CellCount; i++)
            {
                if (!conditioning.IsObserved(b, i)) continue;
                clues++;
                if (grid[i] == Layout.ReadClass(truth, i)) cluesHit++;
                else match = false;
            }
            if (clashes == 0) clean++;
            if (match) matching++;
            if (clashes == 0 && match) solved++;
        }
        return new MetricReport()
            .Add("clashes", clashSum / batch)
            .Add("without_clashes", (double)clean / batch)
            .Add("clue_accuracy", clues == 0 ? 1.0 : (double)cluesHit / clues)
            .Add("matches_clues", (double)matching / batch)
            .Add("solved", (double)solved / batch);
    }

    /// <inheritdoc />
    protected override string RenderRow(ReadOnlySpan<float> row) => RenderGrid(Values(row), null);

    /// <summary>The puzzle of datum <paramref name="item"/>: clues shown, unobserved cells as '.'.</summary>
    public string RenderPuzzle(ProblemBatch batch, int item)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var observed = new bool[CellCount];
        for (int i = 0; i < CellCount; i++) observed[i] = batch.IsObserved(item, i);
        return RenderGrid(Values(batch.Row(item)), observed);
    }

    /// <summary>A grid (values 0 .. side - 1) as text with block separators; cells not <paramref name="shown"/> print as '.'.</summary>
    public string RenderGrid(ReadOnlySpan<int> grid, bool[]? shown)
    {
        var sb = new StringBuilder();
        string rule = string.Join("+", Enumerable.Repeat(new string('-', 2 * BlockCols + 1), Side / BlockCols));
        for (int r = 0; r < Side; r++)
        {
            if (r > 0 && r % BlockRows == 0) sb.AppendLine(rule);
            for (int c = 0; c < Side; c++)
            {
                if (c > 0 && c % BlockCols == 0) sb.Append(" |");
                int i = r * Side + c;
                sb.Append(' ').Append(shown is null || shown[i] ? Digits[grid[i]] : '.');
            }
            sb.AppendLine();
        }
        return sb.ToString().TrimEnd('\n', '\r');
    }

    /// <summary>Swaps row bands (groups of <see cref="BlockRows"/> rows) <paramref name="a"/> and <paramref name="b"/>.</summary>
    public NodePermutation SwapRowBands(int a, int b) =>
        MapCells("row bands", $"swap row bands {a}<->{b}", (r, c) => (SwapBlock(r, a, b, BlockRows), c));

    /// <summary>Swaps column stacks (groups of <see cref="BlockCols"/> columns) <paramref name="a"/> and <paramref name="b"/>.</summary>
    public NodePermutation SwapColumnStacks(int a, int b) =>
        MapCells("column stacks", $"swap column stacks {a}<->{b}", (r, c) => (r, SwapBlock(c, a, b, BlockCols)));

    /// <summary>Swaps rows <paramref name="a"/> and <paramref name="b"/>.</summary>
    public NodePermutation SwapRows(int a, int b) =>
        MapCells("rows", $"swap rows {a}<->{b}", (r, c) => (r == a ? b : r == b ? a : r, c));

    /// <summary>Swaps columns <paramref name="a"/> and <paramref name="b"/>.</summary>
    public NodePermutation SwapColumns(int a, int b) =>
        MapCells("columns", $"swap columns {a}<->{b}", (r, c) => (r, c == a ? b : c == b ? a : c));

    /// <summary>Swaps two single cells.</summary>
    public NodePermutation SwapCells((int Row, int Col) a, (int Row, int Col) b) =>
        MapCells("cells", $"swap cells ({a.Row},{a.Col})<->({b.Row},{b.Col})", (r, c) => (r, c) == a ? b : (r, c) == b ? a : (r, c));

    private static int SwapBlock(int x, int a, int b, int size) =>
        x / size == a ? b * size + x % size : x / size == b ? a * size + x % size : x;

    private NodePermutation MapCells(string group, string name, Func<int, int, (int, int)> map) =>
        Graph.Permutation(name, node =>
        {
            var (r, c) = map(node["row"], node["col"]);
            return Cell[r, c];
        }, group);
}
