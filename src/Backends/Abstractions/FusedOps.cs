namespace GsdmCore.Backends;

/// <summary>
/// Sizes of one graph-sparse attention call: <see cref="Batch"/> x <see cref="Heads"/> independent problems over
/// <see cref="Nodes"/> nodes with head dimension <see cref="HeadDim"/>, along the <see cref="Edges"/> edges of a CSR
/// graph (row pointers [Nodes + 1], columns [Edges], both I32), logits scaled by <see cref="Scale"/>.
/// </summary>
/// <param name="Batch">B.</param>
/// <param name="Heads">H.</param>
/// <param name="Nodes">N (query and key nodes).</param>
/// <param name="HeadDim">Dh.</param>
/// <param name="Edges">nnz of the graph.</param>
/// <param name="Scale">Multiplies every logit q_i.k_j.</param>
public readonly record struct SparseAttentionDims(int Batch, int Heads, int Nodes, int HeadDim, int Edges, double Scale);

/// <summary>
/// Sizes of one all-pairs (dense) attention call: <see cref="Batch"/> x <see cref="Heads"/> independent problems in
/// which each of <see cref="Nodes"/> query nodes attends to all <see cref="Nodes"/> key nodes, head dimension
/// <see cref="HeadDim"/>, logits scaled by <see cref="Scale"/>.
/// </summary>
/// <param name="Batch">B.</param>
/// <param name="Heads">H.</param>
/// <param name="Nodes">N (query and key nodes).</param>
/// <param name="HeadDim">Dh.</param>
/// <param name="Scale">Multiplies every logit q_i.k_j.</param>
public readonly record struct DenseAttentionDims(int Batch, int Heads, int Nodes, int HeadDim, double Scale);

/// <summary>
/// Sizes of one group-norm call over contiguous x [Batch, Nodes, Channels] (any middle axes folded into Nodes):
/// <see cref="Groups"/> groups of consecutive channels, statistics per (sample, group) over channels-in-group x nodes.
/// </summary>
/// <param name="Batch">B.</param>
/// <param name="Nodes">M, the product of the middle axes.</param>
/// <param name="Channels">C.</param>
/// <param name="Groups">G (divides C).</param>
/// <param name="Eps">Added to the variance before the square root.</param>
/// <param name="Silu">
/// When true the op is SiLU(group norm): the forward writes z * sigmoid(z) of the normalised (and affine-mapped) z,
/// and the backward takes the gradient of that output, recomputing z from x and the statistics instead of storing it.
/// </param>
public readonly record struct GroupNormDims(int Batch, int Nodes, int Channels, int Groups, double Eps, bool Silu = false);

/// <summary>
/// The scalars of one Adam / AdamW step (PyTorch semantics), per element:
/// g' = g + <see cref="L2"/> p; p' = (1 - <see cref="Decay"/>) p (1 - Decay rounded to the dtype); m = b1 m + (1 - b1) g'; v = b2 v + (1 - b2) g'^2;
/// p = p' - <see cref="StepSize"/> m / (sqrt(v) <see cref="InvSqrtBc2"/> + eps).
/// Adam has Decay = 0 and L2 = weight decay; AdamW has L2 = 0 and Decay = lr wd.
/// </summary>
/// <param name="Beta1">b1.</param>
/// <param name="Beta2">b2.</param>
/// <param name="Eps">eps.</param>
/// <param name="StepSize">lr / (1 - b1^t).</param>
/// <param name="InvSqrtBc2">1 / sqrt(1 - b2^t).</param>
/// <param name="L2">Weight decay added to the gradient (Adam), 0 for AdamW.</param>
/// <param name="Decay">Decoupled decay: the parameter is scaled by 1 - Decay before the step (lr wd for AdamW, 0 for Adam).</param>
public readonly record struct AdamCoefficients(double Beta1, double Beta2, double Eps, double StepSize, double InvSqrtBc2, double L2, double Decay);

/// <summary>One parameter of <see cref="Backend.AdamSteps"/>: the arguments of one <see cref="Backend.AdamStep"/>.</summary>
/// <param name="Param">The parameter, updated in place from <paramref name="ParamOffset"/>.</param>
/// <param name="ParamOffset">First element of the parameter.</param>
/// <param name="Grad">The gradient, read from <paramref name="GradOffset"/>.</param>
/// <param name="GradOffset">First element of the gradient.</param>
/// <param name="M">The first moment, from element 0.</param>
/// <param name="V">The second moment, from element 0.</param>
/// <param name="Count">Elements to update.</param>
public readonly record struct AdamTarget(IBuffer Param, int ParamOffset, IBuffer Grad, int GradOffset, IBuffer M, IBuffer V, int Count);

/// <summary>One tensor of <see cref="Backend.MovingAverageSteps"/>: the arguments of one <see cref="Backend.MovingAverageStep"/>.</summary>
/// <param name="Shadow">The average, updated in place from element 0.</param>
/// <param name="Value">The values folded in, read from <paramref name="ValueOffset"/>.</param>
/// <param name="ValueOffset">First element of the values.</param>
/// <param name="Count">Elements to update.</param>
public readonly record struct MovingAverageTarget(IBuffer Shadow, IBuffer Value, int ValueOffset, int Count);

/// <summary>
/// A CSR attention graph as contiguous I32 device buffers: row i attends to Columns[RowPointers[i] .. RowPointers[i + 1])
/// (sorted within a row). The transposed view lists, for key node j, the edge ids ColumnEdges[ColumnPointers[j] ..
/// ColumnPointers[j + 1]) in ascending order, and EdgeRows[e] is the query row of edge e; backends may use it to
/// accumulate dk and dv without atomics.
/// </summary>
/// <param name="RowPointers">[N + 1].</param>
/// <param name="Columns">[nnz].</param>
/// <param name="ColumnPointers">[N + 1].</param>
/// <param name="ColumnEdges">[nnz].</param>
/// <param name="EdgeRows">[nnz].</param>
public readonly record struct SparseGraphBuffers(IBuffer RowPointers, IBuffer Columns, IBuffer ColumnPointers, IBuffer ColumnEdges, IBuffer EdgeRows);
