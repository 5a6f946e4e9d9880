namespace GsdmCore.Backends;

/// <summary>Element type of a tensor.</summary>
public enum DType
{
    /// <summary>32-bit float: the working type.</summary>
    F32,
    /// <summary>64-bit float: gradient checks and references.</summary>
    F64,
    /// <summary>32-bit signed integer: indices.</summary>
    I32,
}

/// <summary>Facts about <see cref="DType"/> values.</summary>
public static class DTypeInfo
{
    /// <summary>Bytes per element.</summary>
    public static int SizeOf(this DType dtype) => dtype switch
    {
        DType.F32 => 4,
        DType.F64 => 8,
        DType.I32 => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype)),
    };

    /// <summary>True for the floating-point types.</summary>
    public static bool IsFloat(this DType dtype) => dtype is DType.F32 or DType.F64;

    /// <summary>The CLR element type of <paramref name="dtype"/>.</summary>
    public static Type ClrType(this DType dtype) => dtype switch
    {
        DType.F32 => typeof(float),
        DType.F64 => typeof(double),
        DType.I32 => typeof(int),
        _ => throw new ArgumentOutOfRangeException(nameof(dtype)),
    };

    /// <summary>The <see cref="DType"/> of CLR type <typeparamref name="T"/>.</summary>
    public static DType Of<T>() where T : unmanaged =>
        typeof(T) == typeof(float) ? DType.F32
        : typeof(T) == typeof(double) ? DType.F64
        : typeof(T) == typeof(int) ? DType.I32
        : throw new NotSupportedException($"No DType for CLR type {typeof(T).Name}; use float, double or int.");
}
