namespace GsdmCore.Diffusion;

/// <summary>A categorical variable stored one-hot in entries Offset..Offset+Classes-1 of a flat datum vector.</summary>
/// <param name="Offset">The first entry of the slice.</param>
/// <param name="Classes">The number of classes K (the slice's length).</param>
public readonly record struct CategoricalSlice(int Offset, int Classes);
