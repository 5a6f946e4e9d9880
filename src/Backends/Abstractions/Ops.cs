namespace GsdmCore.Backends;

/// <summary>Elementwise one-input primitives.</summary>
public enum UnaryOp
{
    /// <summary>-x</summary>
    Neg,
    /// <summary>|x|</summary>
    Abs,
    /// <summary>e^x</summary>
    Exp,
    /// <summary>ln x</summary>
    Log,
    /// <summary>sqrt x</summary>
    Sqrt,
    /// <summary>1 / sqrt x</summary>
    Rsqrt,
    /// <summary>x^2</summary>
    Square,
    /// <summary>tanh x</summary>
    Tanh,
    /// <summary>1 / (1 + e^-x)</summary>
    Sigmoid,
    /// <summary>x * sigmoid(x)</summary>
    Silu,
    /// <summary>d/dx silu(x) = s (1 + x (1 - s)) with s = sigmoid(x) (SiLU's gradient in one pass)</summary>
    SiluDerivative,
    /// <summary>max(x, 0)</summary>
    Relu,
    /// <summary>sin x</summary>
    Sin,
    /// <summary>cos x</summary>
    Cos,
    /// <summary>-1, 0 or 1</summary>
    Sign,
}

/// <summary>Elementwise two-input primitives (inputs broadcast to one shape).</summary>
public enum BinaryOp
{
    /// <summary>a + b</summary>
    Add,
    /// <summary>a - b</summary>
    Sub,
    /// <summary>a * b</summary>
    Mul,
    /// <summary>a / b</summary>
    Div,
    /// <summary>a ^ b</summary>
    Pow,
    /// <summary>max(a, b)</summary>
    Maximum,
    /// <summary>min(a, b)</summary>
    Minimum,
    /// <summary>1 where a == b else 0</summary>
    Eq,
    /// <summary>1 where a != b else 0</summary>
    Ne,
    /// <summary>1 where a &lt; b else 0</summary>
    Lt,
    /// <summary>1 where a &lt;= b else 0</summary>
    Le,
    /// <summary>1 where a &gt; b else 0</summary>
    Gt,
    /// <summary>1 where a &gt;= b else 0</summary>
    Ge,
}

/// <summary>Reductions over the trailing axes of a layout.</summary>
public enum ReduceOp
{
    /// <summary>Sum.</summary>
    Sum,
    /// <summary>Maximum.</summary>
    Max,
    /// <summary>Minimum.</summary>
    Min,
    /// <summary>Index of the (first) maximum, written as I32.</summary>
    ArgMax,
    /// <summary>Index of the (first) minimum, written as I32.</summary>
    ArgMin,
}

/// <summary>Distributions the counter-based generator can fill with.</summary>
public enum RandomKind
{
    /// <summary>Uniform on [0, 1).</summary>
    Uniform,
    /// <summary>Standard normal.</summary>
    Normal,
}

/// <summary>
/// Describes one batched matrix product C[b] = op(A[b]) op(B[b]) (row-major), or C[b] += op(A[b]) op(B[b]) when
/// <see cref="Accumulate"/> is set (a linear layer's bias or a residual stored in C first costs no extra pass).
/// </summary>
public readonly record struct MatmulDims(
    int Batch, int M, int N, int K,
    bool TransA, bool TransB,
    int OffsetA, long StrideA, int Lda,
    int OffsetB, long StrideB, int Ldb,
    int OffsetC, long StrideC, int Ldc,
    bool Accumulate = false);

/// <summary>
/// What a fused product adds to A B as it writes C (see <see cref="Backend.Matmul(IBuffer, IBuffer, IBuffer, in MatmulDims, in MatmulAddends)"/>):
/// a matrix of C's shape, contiguous from <see cref="MatrixOffset"/> (a residual), and one value per column from
/// <see cref="ColumnsOffset"/> (a bias). Either may be null.
/// </summary>
public readonly record struct MatmulAddends(IBuffer? Matrix, int MatrixOffset, IBuffer? Columns, int ColumnsOffset);
