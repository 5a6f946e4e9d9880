namespace GsdmCore.Backends.Cpu;

public static unsafe partial class Gemm
{
    /// <summary>
    /// Double-precision batched GEMM with the same contract as
    /// <see cref="Sgemm(bool, bool, int, int, int, int, float, float*, long, int, float*, long, int, float, float*, long, int, int, float*, float*, float*)"/>;
    /// meant for reference computations such as gradient checks.
    /// </summary>
    /// <param name="transA">Use A transposed: A is stored k x m instead of m x k.</param>
    /// <param name="transB">Use B transposed: B is stored n x k instead of k x n.</param>
    /// <param name="batch">Number of products.</param>
    /// <param name="m">Rows of op(A) and C.</param>
    /// <param name="n">Columns of op(B) and C.</param>
    /// <param name="k">Columns of op(A), rows of op(B); 0 reduces the call to C = beta * C.</param>
    /// <param name="alpha">Scale of the product.</param>
    /// <param name="a">First element of A[0].</param>
    /// <param name="strideA">Elements between A[b] and A[b + 1]; 0 uses the same A for every entry.</param>
    /// <param name="lda">Row stride of the stored A, in elements.</param>
    /// <param name="b">First element of B[0].</param>
    /// <param name="strideB">Elements between B[b] and B[b + 1]; 0 uses the same B for every entry.</param>
    /// <param name="ldb">Row stride of the stored B, in elements.</param>
    /// <param name="beta">Scale of the existing C; when 0, C is overwritten without being read.</param>
    /// <param name="c">First element of C[0].</param>
    /// <param name="strideC">Elements between C[b] and C[b + 1]; must be positive when batch &gt; 1.</param>
    /// <param name="ldc">Row stride of C, in elements.</param>
    /// <param name="maxThreads">Upper bound on worker threads (at least 1); does not affect the result.</param>
    /// <param name="columns">When given, n values added to every row of C[b] after the product: each element of C is
    /// alpha op(A) op(B) + beta C, rounded, plus the column's value, rounded (a linear layer's bias, in the same pass).</param>
    /// <param name="addend">When given, a matrix laid out as C that takes the place of C's old value (beta must be 0):
    /// C = alpha op(A) op(B) + addend, read as C is written (a residual, in the same pass).</param>
    /// <param name="rowSums">When given (batch 1 only), m values that receive the sums over k of op(A)'s rows, summed
    /// from A's blocks as the product reads them (a linear layer's bias gradient beside its weight gradient, in one
    /// read of the output gradient), in an order fixed by the shape alone.</param>
    public static void Dgemm(bool transA, bool transB, int batch, int m, int n, int k, double alpha,
        double* a, long strideA, int lda, double* b, long strideB, int ldb, double beta,
        double* c, long strideC, int ldc, int maxThreads, double* columns = null, double* addend = null, double* rowSums = null)
    {
        var problem = new GemmProblem<double>(transA, transB, batch, m, n, k, alpha,
            a, strideA, lda, b, strideB, ldb, beta, c, strideC, ldc, columns, addend, rowSums);
        Dgemm(GemmKernelKind.Auto, problem, maxThreads);
    }

    /// <summary>Runs a double-precision problem on the requested kernel family (tests pin non-default ones).</summary>
    internal static void Dgemm(GemmKernelKind kind, in GemmProblem<double> problem, int maxThreads)
    {
        problem.Validate(maxThreads);
        if (problem.Batch == 0 || problem.M == 0 || problem.N == 0)
        {
            if (problem.RowSums != null) GemmRowSums.Whole(problem);
            return;
        }

        if (problem.K == 0 || problem.Alpha == 0d)
        {
            GemmScaling.ScaleC(problem);
            if (problem.RowSums != null) GemmRowSums.Whole(problem);
            return;
        }

        if (GemmKernelSelection.ForDouble(kind) == GemmKernelKind.Vector256)
        {
            GemmDriver.Run<double, DgemmKernel6x8Vector256>(problem, maxThreads);
        }
        else
        {
            GemmDriver.Run<double, ScalarKernel4x4<double>>(problem, maxThreads);
        }
    }
}
