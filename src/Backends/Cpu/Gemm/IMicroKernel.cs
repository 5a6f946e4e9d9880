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

    /// <summary>Whether <see cref="RunAddingColumns"/> is implemented (otherwise the driver adds the columns to the stored tile).</summary>
    static virtual bool AddsColumns => false;

    /// <summary>
    /// <see cref="Run"/> with <paramref name="columns"/>[j] added to column j of every row in registers, before the
    /// stores: each element is the merged value, rounded, plus the column's value, rounded, as the driver's
    /// <see cref="TileWriteBack.AddColumns{T}"/> would give after <see cref="Run"/>.
    /// </summary>
    static virtual void RunAddingColumns(int kc, T* pa, T* pb, T* c, nint ldc, T alpha, T beta, T* columns) =>
        throw new NotSupportedException("this micro-kernel does not add columns; check AddsColumns first.");
}
