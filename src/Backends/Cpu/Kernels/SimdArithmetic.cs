using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace GsdmCore.Backends.Cpu;

/// <summary>One arithmetic op in scalar, 256-bit and 512-bit form.</summary>
internal interface IArithmetic<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    static abstract T Apply(T a, T b);
    static abstract Vector256<T> Apply(Vector256<T> a, Vector256<T> b);
    static abstract Vector512<T> Apply(Vector512<T> a, Vector512<T> b);
}

internal readonly struct AddOp<T> : IArithmetic<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Apply(T a, T b) => a + b;
    public static Vector256<T> Apply(Vector256<T> a, Vector256<T> b) => a + b;
    public static Vector512<T> Apply(Vector512<T> a, Vector512<T> b) => a + b;
}

internal readonly struct SubOp<T> : IArithmetic<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Apply(T a, T b) => a - b;
    public static Vector256<T> Apply(Vector256<T> a, Vector256<T> b) => a - b;
    public static Vector512<T> Apply(Vector512<T> a, Vector512<T> b) => a - b;
}

internal readonly struct MulOp<T> : IArithmetic<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Apply(T a, T b) => a * b;
    public static Vector256<T> Apply(Vector256<T> a, Vector256<T> b) => a * b;
    public static Vector512<T> Apply(Vector512<T> a, Vector512<T> b) => a * b;
}

internal readonly struct DivOp<T> : IArithmetic<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static T Apply(T a, T b) => a / b;
    public static Vector256<T> Apply(Vector256<T> a, Vector256<T> b) => a / b;
    public static Vector512<T> Apply(Vector512<T> a, Vector512<T> b) => a / b;
}

/// <summary>
/// Straight vector loops for + - * / (span-span, span-scalar, scalar-span). Measured on this machine,
/// TensorPrimitives' two-span Add runs a memory-bound row at about half the speed of this plain loop.
/// </summary>
internal static class SimdArithmetic<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static void Run<TOp>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y) where TOp : IArithmetic<T>
    {
        ref T ra = ref MemoryMarshal.GetReference(a);
        ref T rb = ref MemoryMarshal.GetReference(b);
        ref T ry = ref MemoryMarshal.GetReference(y);
        nuint n = (nuint)y.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i + (nuint)Vector512<T>.Count <= n; i += (nuint)Vector512<T>.Count)
                TOp.Apply(Vector512.LoadUnsafe(ref ra, i), Vector512.LoadUnsafe(ref rb, i)).StoreUnsafe(ref ry, i);
        if (Vector256.IsHardwareAccelerated)
            for (; i + (nuint)Vector256<T>.Count <= n; i += (nuint)Vector256<T>.Count)
                TOp.Apply(Vector256.LoadUnsafe(ref ra, i), Vector256.LoadUnsafe(ref rb, i)).StoreUnsafe(ref ry, i);
        for (; i < n; i++) Unsafe.Add(ref ry, i) = TOp.Apply(Unsafe.Add(ref ra, i), Unsafe.Add(ref rb, i));
    }

    public static void Run<TOp>(ReadOnlySpan<T> a, T b, Span<T> y) where TOp : IArithmetic<T>
    {
        ref T ra = ref MemoryMarshal.GetReference(a);
        ref T ry = ref MemoryMarshal.GetReference(y);
        nuint n = (nuint)y.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var vb = Vector512.Create(b);
            for (; i + (nuint)Vector512<T>.Count <= n; i += (nuint)Vector512<T>.Count)
                TOp.Apply(Vector512.LoadUnsafe(ref ra, i), vb).StoreUnsafe(ref ry, i);
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var vb = Vector256.Create(b);
            for (; i + (nuint)Vector256<T>.Count <= n; i += (nuint)Vector256<T>.Count)
                TOp.Apply(Vector256.LoadUnsafe(ref ra, i), vb).StoreUnsafe(ref ry, i);
        }
        for (; i < n; i++) Unsafe.Add(ref ry, i) = TOp.Apply(Unsafe.Add(ref ra, i), b);
    }

    public static void Run<TOp>(T a, ReadOnlySpan<T> b, Span<T> y) where TOp : IArithmetic<T>
    {
        ref T rb = ref MemoryMarshal.GetReference(b);
        ref T ry = ref MemoryMarshal.GetReference(y);
        nuint n = (nuint)y.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var va = Vector512.Create(a);
            for (; i + (nuint)Vector512<T>.Count <= n; i += (nuint)Vector512<T>.Count)
                TOp.Apply(va, Vector512.LoadUnsafe(ref rb, i)).StoreUnsafe(ref ry, i);
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var va = Vector256.Create(a);
            for (; i + (nuint)Vector256<T>.Count <= n; i += (nuint)Vector256<T>.Count)
                TOp.Apply(va, Vector256.LoadUnsafe(ref rb, i)).StoreUnsafe(ref ry, i);
        }
        for (; i < n; i++) Unsafe.Add(ref ry, i) = TOp.Apply(a, Unsafe.Add(ref rb, i));
    }
}
