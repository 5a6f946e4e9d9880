namespace GsdmCore.Backends.Cpu;

/// <summary>The arguments of one batched GEMM call, bundled so they can be handed to worker tasks.</summary>
internal readonly unsafe struct GemmProblem<T> where T : unmanaged, System.Numerics.INumberBase<T>
{
    public readonly bool TransA;
    public readonly bool TransB;
    public readonly int Batch;
    public readonly int M;
    public readonly int N;
    public readonly int K;
    public readonly T Alpha;
    public readonly T Beta;
    public readonly T* A;
    public readonly T* B;
    public readonly T* C;
    public readonly long StrideA;
    public readonly long StrideB;
    public readonly long StrideC;
    public readonly int Lda;
    public readonly int Ldb;
    public readonly int Ldc;
    /// <summary>N values added to every row of C after the product, or null.</summary>
    public readonly T* Columns;
    /// <summary>A matrix laid out as C (same ldc and batch stride) that the product starts from instead of C, or null; Beta is then 0.</summary>
    public readonly T* Addend;
    /// <summary>
    /// M values that receive the sums over K of op(A)'s rows, taken from the blocks of A as the product reads them
    /// (a single product only), or null.
    /// </summary>
    public readonly T* RowSums;

    public GemmProblem(bool transA, bool transB, int batch, int m, int n, int k, T alpha,
        T* a, long strideA, int lda, T* b, long strideB, int ldb, T beta, T* c, long strideC, int ldc, T* columns = null, T* addend = null, T* rowSums = null)
    {
        TransA = transA;
        TransB = transB;
        Batch = batch;
        M = m;
        N = n;
        K = k;
        Alpha = alpha;
        Beta = beta;
        A = a;
        B = b;
        C = c;
        StrideA = strideA;
        StrideB = strideB;
        StrideC = strideC;
        Lda = lda;
        Ldb = ldb;
        Ldc = ldc;
        Columns = columns;
        Addend = addend;
        RowSums = rowSums;
    }

    /// <summary>Throws if the sizes, strides or pointers cannot describe a valid call.</summary>
    public void Validate(int maxThreads)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(Batch, "batch");
        ArgumentOutOfRangeException.ThrowIfNegative(M, "m");
        ArgumentOutOfRangeException.ThrowIfNegative(N, "n");
        ArgumentOutOfRangeException.ThrowIfNegative(K, "k");
        ArgumentOutOfRangeException.ThrowIfLessThan(maxThreads, 1, "maxThreads");
        ArgumentOutOfRangeException.ThrowIfLessThan(Lda, TransA ? M : K, "lda");
        ArgumentOutOfRangeException.ThrowIfLessThan(Ldb, TransB ? K : N, "ldb");
        ArgumentOutOfRangeException.ThrowIfLessThan(Ldc, N, "ldc");
        ArgumentOutOfRangeException.ThrowIfNegative(StrideA, "strideA");
        ArgumentOutOfRangeException.ThrowIfNegative(StrideB, "strideB");
        if (Batch > 1)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(StrideC, "strideC");
        }

        if (Addend != null && !T.IsZero(Beta))
        {
            throw new ArgumentException("A matrix addend takes the place of C's old value: beta must be 0.", "beta");
        }

        if (RowSums != null && Batch != 1)
        {
            throw new ArgumentException($"The row sums of A are produced for a single product; got a batch of {Batch}.", "rowSums");
        }

        if (Batch == 0 || M == 0 || N == 0)
        {
            return;
        }

        if (C == null)
        {
            throw new ArgumentNullException("c");
        }

        if (K > 0 && (A == null || B == null))
        {
            throw new ArgumentNullException(A == null ? "a" : "b");
        }
    }
}
