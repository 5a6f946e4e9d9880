namespace GsdmCore.Backends.Cpu;

/// <summary>
/// A register-tiled GEMM micro-kernel that multiplies one packed MR-row panel of A by one packed
/// NR-column panel of B and merges the MR x NR product into C.
/// </summary>
/// <remarks>
/// Packed layouts: A element (r, p) sits at <c>pa[p * MR + r]</c>, B element (p, j) at <c>pb[p * NR + j]</c>.
/// The merge is <c>C = alpha * acc</c> when <c>beta == 0</c> (C is never read) and
/// <c>C = fma(acc, alpha, beta * C)</c> otherwise; <see cref="TileWriteBack"/> applies the same rule
/// to partial tiles, so a value does not depend on whether it fell in a full or an edge tile.
/// </remarks>
internal unsafe interface IMicroKernel<T> where T : unmanaged
{
    /// <summary>Rows of the register tile.</summary>
    static abstract int MR { get; }

    /// <summary>Columns of the register tile.</summary>
    static abstract int NR { get; }

    /// <summary>Computes the full MR x NR tile over <paramref name="kc"/> packed steps and merges it into <paramref name="c"/>.</summary>
    static abstract void Run(int kc, T* pa, T* pb, T* c, nint ldc, T alpha, T beta);

    /// <summary>Whether <see cref="RunFused"/> is implemented (otherwise the driver stages the addends around <see cref="Run"/>).</summary>
    static virtual bool Fuses => false;

    /// <summary>
    /// <see cref="Run"/> with beta applied to <paramref name="source"/> (laid out as C; C itself by default, a matrix
    /// addend on the first K block) and, when not null, <paramref name="columns"/>[j] added to column j of every row
    /// in registers before the stores: each element is the merged value, rounded, plus the column's value, rounded,
    /// as the driver's staged path gives.
    /// </summary>
    static virtual void RunFused(int kc, T* pa, T* pb, T* c, nint ldc, T alpha, T beta, T* columns, T* source) =>
        throw new NotSupportedException("this micro-kernel does not fuse addends; check Fuses first.");

    /// <summary>Whether <see cref="RunInPlace"/> is implemented (it implies <see cref="Fuses"/>).</summary>
    static virtual bool ReadsInPlace => false;

    /// <summary>
    /// <see cref="RunFused"/> on operands read where they lie: A element (r, p) at <paramref name="a"/>[r * aLine + p * aStep]
    /// and B element (p, j) at <paramref name="b"/>[p * bStep + j]. A packed panel is aLine 1, aStep MR and bStep NR; a
    /// transposed A is aLine 1, aStep lda; a row-major A is aLine lda, aStep 1; a row-major B is bStep ldb.
    /// </summary>
    static virtual void RunInPlace(int kc, T* a, nint aLine, nint aStep, T* b, nint bStep, T* c, nint ldc, T alpha, T beta, T* columns, T* source) =>
        throw new NotSupportedException("this micro-kernel reads packed panels only; check ReadsInPlace first.");
}
