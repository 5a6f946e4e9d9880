using GsdmCore.Backends;

namespace GsdmCore.Nn;

/// <summary>
/// The attention graph in compressed sparse row form: row i (a query node) attends to the key nodes
/// <c>Columns[RowPointers[i] .. RowPointers[i + 1])</c>, sorted ascending without duplicates. Any degree per
/// row is allowed. Immutable.
/// </summary>
public sealed class SparseGraph
{
    private readonly int[] _rowPointers;
    private readonly int[] _columns;

    /// <summary>Number of nodes (rows and columns).</summary>
    public int Nodes { get; }
    /// <summary>Number of stored edges (nnz).</summary>
    public int EdgeCount => _columns.Length;
    /// <summary>Row pointers, length Nodes + 1.</summary>
    public ReadOnlySpan<int> RowPointers => _rowPointers;
    /// <summary>Column (key node) of each edge, grouped by row.</summary>
    public ReadOnlySpan<int> Columns => _columns;

    internal int[] RowPointerArray => _rowPointers;
    internal int[] ColumnArray => _columns;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<Device, (Tensor[] Keep, SparseGraphBuffers Buffers)> _onDevice = new();

    /// <summary>
    /// The graph and its transpose as I32 buffers on <paramref name="device"/> (see <see cref="SparseGraphBuffers"/>),
    /// uploaded once per device and kept for the graph's lifetime (outside any <see cref="TensorScope"/>).
    /// </summary>
    internal SparseGraphBuffers On(Device device) => _onDevice.GetOrAdd(device, d =>
    {
        int nnz = _columns.Length;
        var colPtr = new int[Nodes + 1];
        foreach (int c in _columns) colPtr[c + 1]++;
        for (int j = 0; j < Nodes; j++) colPtr[j + 1] += colPtr[j];
        var fill = (int[])colPtr.Clone();
        var colEdges = new int[nnz];
        var edgeRows = new int[nnz];
        for (int i = 0; i < Nodes; i++)
            for (int e = _rowPointers[i]; e < _rowPointers[i + 1]; e++)
            {
                edgeRows[e] = i;
                colEdges[fill[_columns[e]]++] = e;
            }
        using (TensorScope.Suspend())
        {
            var keep = new[] { _rowPointers, _columns, colPtr, colEdges, edgeRows }
                .Select(a => TensorScope.Persist(Tensor.FromArray(a, device: d))).ToArray();
            return (keep, new SparseGraphBuffers(keep[0].Buffer, keep[1].Buffer, keep[2].Buffer, keep[3].Buffer, keep[4].Buffer));
        }
    }).Buffers;

    /// <summary>
    /// Creates the graph from CSR arrays (copied) and validates them: row pointers start at 0, never decrease and
    /// end at the number of columns; columns are in range, strictly increasing within a row (sorted, no
    /// duplicates); and, when <paramref name="requireSelfLoops"/>, every row contains its own node.
    /// </summary>
    public SparseGraph(int nodes, ReadOnlySpan<int> rowPointers, ReadOnlySpan<int> columns, bool requireSelfLoops = true)
    {
        if (nodes < 0) throw new ArgumentOutOfRangeException(nameof(nodes), "the node count cannot be negative.");
        if (rowPointers.Length != nodes + 1)
            throw new ArgumentException($"a graph of {nodes} nodes needs {nodes + 1} row pointers, got {rowPointers.Length}.", nameof(rowPointers));
        if (rowPointers[0] != 0) throw new ArgumentException($"row pointers must start at 0, got {rowPointers[0]}.", nameof(rowPointers));
        if (rowPointers[nodes] != columns.Length)
            throw new ArgumentException($"the last row pointer ({rowPointers[nodes]}) must equal the number of columns ({columns.Length}).", nameof(rowPointers));
        for (int i = 0; i < nodes; i++)
        {
            int s = rowPointers[i], e = rowPointers[i + 1];
            if (e < s) throw new ArgumentException($"row pointers decrease at row {i} ({s} then {e}).", nameof(rowPointers));
            bool self = false;
            for (int p = s; p < e; p++)
            {
                int c = columns[p];
                if (c < 0 || c >= nodes) throw new ArgumentException($"row {i} has column {c}, outside 0..{nodes - 1}.", nameof(columns));
                if (p > s && c <= columns[p - 1])
                    throw new ArgumentException(c == columns[p - 1]
                        ? $"row {i} lists column {c} twice."
                        : $"row {i} is not sorted: column {c} follows {columns[p - 1]}.", nameof(columns));
                self |= c == i;
            }
            if (requireSelfLoops && !self)
                throw new ArgumentException($"row {i} has no self-loop; add ({i}, {i}) or pass requireSelfLoops: false.", nameof(columns));
        }
        Nodes = nodes;
        _rowPointers = rowPointers.ToArray();
        _columns = columns.ToArray();
    }

    /// <summary>
    /// Builds the graph from (query, key) pairs in any order; duplicates are merged and, when
    /// <paramref name="addSelfLoops"/>, every (i, i) is added.
    /// </summary>
    public static SparseGraph FromEdges(int nodes, IEnumerable<(int Row, int Column)> edges, bool addSelfLoops = true)
    {
        var rows = new SortedSet<int>[nodes];
        for (int i = 0; i < nodes; i++) rows[i] = addSelfLoops ? [i] : [];
        foreach (var (r, c) in edges)
        {
            if (r < 0 || r >= nodes || c < 0 || c >= nodes)
                throw new ArgumentException($"edge ({r}, {c}) is outside 0..{nodes - 1}.", nameof(edges));
            rows[r].Add(c);
        }
        var pointers = new int[nodes + 1];
        var columns = new List<int>();
        for (int i = 0; i < nodes; i++)
        {
            columns.AddRange(rows[i]);
            pointers[i + 1] = columns.Count;
        }
        return new SparseGraph(nodes, pointers, columns.ToArray(), requireSelfLoops: addSelfLoops);
    }

    /// <summary>Builds the graph from a square boolean mask (mask[i, j] = query i attends to key j).</summary>
    public static SparseGraph FromMask(bool[,] mask, bool requireSelfLoops = true)
    {
        int n = mask.GetLength(0);
        if (mask.GetLength(1) != n) throw new ArgumentException("the mask must be square.", nameof(mask));
        var pointers = new int[n + 1];
        var columns = new List<int>();
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++) if (mask[i, j]) columns.Add(j);
            pointers[i + 1] = columns.Count;
        }
        return new SparseGraph(n, pointers, columns.ToArray(), requireSelfLoops);
    }

    /// <summary>Number of keys row <paramref name="row"/> attends to.</summary>
    public int Degree(int row) => _rowPointers[row + 1] - _rowPointers[row];

    /// <summary>The dense boolean mask of the graph.</summary>
    public bool[,] ToDenseMask()
    {
        var mask = new bool[Nodes, Nodes];
        for (int i = 0; i < Nodes; i++)
            for (int e = _rowPointers[i]; e < _rowPointers[i + 1]; e++) mask[i, _columns[e]] = true;
        return mask;
    }
}
