namespace GsdmCore.Backends.Cuda.Kernels;

/// <summary>
/// The extents of a launch's (merged) axes, innermost first, at most <see cref="MaxRank"/> of them.
/// Passed to kernels by value: explicit fields keep everything in registers (no local-memory array).
/// </summary>
internal struct Dims8
{
    public const int MaxRank = 8;

    public int Rank;
    public int D0, D1, D2, D3, D4, D5, D6, D7;

    /// <summary>The per-axis coordinates of row-major element <paramref name="linear"/>; unused axes get 0.</summary>
    public readonly Coords8 Coords(int linear)
    {
        var c = default(Coords8);
        int q = linear;
        if (Rank > 0) { int n = q / D0; c.C0 = q - n * D0; q = n; }
        if (Rank > 1) { int n = q / D1; c.C1 = q - n * D1; q = n; }
        if (Rank > 2) { int n = q / D2; c.C2 = q - n * D2; q = n; }
        if (Rank > 3) { int n = q / D3; c.C3 = q - n * D3; q = n; }
        if (Rank > 4) { int n = q / D4; c.C4 = q - n * D4; q = n; }
        if (Rank > 5) { int n = q / D5; c.C5 = q - n * D5; q = n; }
        if (Rank > 6) { int n = q / D6; c.C6 = q - n * D6; q = n; }
        if (Rank > 7) { c.C7 = q; }
        return c;
    }

    public void Set(int axis, int extent)
    {
        switch (axis)
        {
            case 0: D0 = extent; break;
            case 1: D1 = extent; break;
            case 2: D2 = extent; break;
            case 3: D3 = extent; break;
            case 4: D4 = extent; break;
            case 5: D5 = extent; break;
            case 6: D6 = extent; break;
            default: D7 = extent; break;
        }
    }
}

/// <summary>Coordinates along the axes of a <see cref="Dims8"/>, innermost first.</summary>
internal struct Coords8
{
    public int C0, C1, C2, C3, C4, C5, C6, C7;
}

/// <summary>One operand's offset and element strides along the axes of a <see cref="Dims8"/> (0 = broadcast).</summary>
internal struct Strides8
{
    public int Offset;
    public int S0, S1, S2, S3, S4, S5, S6, S7;

    /// <summary>Buffer index of the element at <paramref name="c"/>.</summary>
    public readonly int At(Coords8 c) =>
        Offset + c.C0 * S0 + c.C1 * S1 + c.C2 * S2 + c.C3 * S3 + c.C4 * S4 + c.C5 * S5 + c.C6 * S6 + c.C7 * S7;

    public void Set(int axis, int stride)
    {
        switch (axis)
        {
            case 0: S0 = stride; break;
            case 1: S1 = stride; break;
            case 2: S2 = stride; break;
            case 3: S3 = stride; break;
            case 4: S4 = stride; break;
            case 5: S5 = stride; break;
            case 6: S6 = stride; break;
            default: S7 = stride; break;
        }
    }
}
