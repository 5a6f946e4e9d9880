namespace GsdmCore.Problems;

/// <summary>
/// Complete Sudoku grids by randomised backtracking: repeatedly fill the empty cell with the fewest candidates,
/// trying its candidates in random order. Every valid grid has positive probability: whenever each cell's true
/// value happens to be tried first, the fill reaches that grid without backtracking. A fill that backtracks too long
/// restarts from an empty grid with the next random numbers.
/// </summary>
public static class SudokuGridGenerator
{
    /// <summary>
    /// A complete grid of side <c>blockRows × blockCols</c>, row-major, values 0 .. side - 1. Blocks span
    /// <paramref name="blockRows"/> rows and <paramref name="blockCols"/> columns.
    /// </summary>
    public static int[] Generate(int blockRows, int blockCols, ProblemRandom rng)
    {
        int side = blockRows * blockCols;
        if (blockRows < 1 || blockCols < 1 || side < 2 || side > 64)
            throw new ArgumentOutOfRangeException(nameof(blockRows), $"blocks of {blockRows}x{blockCols} give side {side}; need 2 <= side <= 64.");
        var state = new State(blockRows, blockCols);
        long budget = 200L * side * side * side;
        while (true)
        {
            state.Reset();
            long steps = 0;
            if (state.Fill(rng, ref steps, budget)) return state.Grid;
        }
    }

    /// <summary>Whether <paramref name="grid"/> (row-major, values 0 .. side - 1) is a complete valid grid.</summary>
    public static bool IsValid(ReadOnlySpan<int> grid, int blockRows, int blockCols)
    {
        int side = blockRows * blockCols;
        if (grid.Length != side * side) return false;
        var seen = new bool[3, side, side];
        for (int r = 0; r < side; r++)
            for (int c = 0; c < side; c++)
            {
                int v = grid[r * side + c];
                if ((uint)v >= (uint)side) return false;
                int box = r / blockRows * (side / blockCols) + c / blockCols;
                if (seen[0, r, v] || seen[1, c, v] || seen[2, box, v]) return false;
                seen[0, r, v] = seen[1, c, v] = seen[2, box, v] = true;
            }
        return true;
    }

    private sealed class State(int blockRows, int blockCols)
    {
        private readonly int _side = blockRows * blockCols;
        private readonly ulong[] _rows = new ulong[blockRows * blockCols];
        private readonly ulong[] _cols = new ulong[blockRows * blockCols];
        private readonly ulong[] _boxes = new ulong[blockRows * blockCols];
        public int[] Grid { get; } = new int[blockRows * blockCols * blockRows * blockCols];
        private ulong All => _side == 64 ? ulong.MaxValue : (1UL << _side) - 1;

        public void Reset()
        {
            Array.Fill(Grid, -1);
            Array.Clear(_rows);
            Array.Clear(_cols);
            Array.Clear(_boxes);
        }

        private int Box(int r, int c) => r / blockRows * (_side / blockCols) + c / blockCols;

        private ulong Candidates(int cell)
        {
            int r = cell / _side, c = cell % _side;
            return All & ~(_rows[r] | _cols[c] | _boxes[Box(r, c)]);
        }

        public bool Fill(ProblemRandom rng, ref long steps, long budget)
        {
            if (++steps > budget) return false;
            int best = -1, bestCount = int.MaxValue;
            for (int cell = 0; cell < Grid.Length; cell++)
            {
                if (Grid[cell] >= 0) continue;
                int count = System.Numerics.BitOperations.PopCount(Candidates(cell));
                if (count < bestCount)
                {
                    best = cell;
                    bestCount = count;
                    if (count <= 1) break;
                }
            }
            if (best < 0) return true;
            if (bestCount == 0) return false;
            ulong mask = Candidates(best);
            Span<int> values = stackalloc int[bestCount];
            for (int k = 0; k < bestCount; k++)
            {
                values[k] = System.Numerics.BitOperations.TrailingZeroCount(mask);
                mask &= mask - 1;
            }
            rng.Shuffle(values);
            int r = best / _side, c = best % _side, b = Box(r, c);
            foreach (int v in values)
            {
                ulong bit = 1UL << v;
                Grid[best] = v;
                _rows[r] |= bit; _cols[c] |= bit; _boxes[b] |= bit;
                if (Fill(rng, ref steps, budget)) return true;
                _rows[r] &= ~bit; _cols[c] &= ~bit; _boxes[b] &= ~bit;
                Grid[best] = -1;
                if (steps > budget) return false;
            }
            return false;
        }
    }
}
