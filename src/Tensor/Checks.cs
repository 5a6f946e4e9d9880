using GsdmCore.Backends;

namespace GsdmCore;

/// <summary>Lower-case names of an op enum's values (for messages), made once rather than per call.</summary>
internal static class OpName<TOp> where TOp : struct, Enum
{
    private static readonly Dictionary<TOp, string> Names =
        Enum.GetValues<TOp>().Distinct().ToDictionary(v => v, v => v.ToString().ToLowerInvariant());

    private static readonly Dictionary<TOp, object> Boxes = Enum.GetValues<TOp>().Distinct().ToDictionary(v => v, v => (object)v);

    public static string Of(TOp op) => Names.TryGetValue(op, out var name) ? name : op.ToString().ToLowerInvariant();

    /// <summary>The op as a shared boxed object (a recorded node's attribute), so recording allocates no box.</summary>
    public static object Boxed(TOp op) => Boxes.TryGetValue(op, out var box) ? box : op;
}

/// <summary>Every shape, dtype and device check of the op façade; the messages name op, shapes and fix.</summary>
internal static class Checks
{
    public static string S(ReadOnlySpan<int> shape) => Layout.Format(shape);

    /// <summary>Normalises a possibly negative axis.</summary>
    public static int Axis(string op, int axis, int rank)
    {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank)
            throw new TensorShapeException(op, $"axis {axis} is out of range for a tensor of rank {rank}; use 0..{rank - 1} or -{rank}..-1.");
        return a;
    }

    /// <summary>Normalises and de-duplicates a set of axes; empty means all axes.</summary>
    public static int[] Axes(string op, int[]? axes, int rank)
    {
        if (axes == null || axes.Length == 0) return Iota(rank);
        var result = new int[axes.Length];
        for (int i = 0; i < axes.Length; i++) result[i] = Axis(op, axes[i], rank);
        Array.Sort(result);
        for (int i = 1; i < result.Length; i++)
            if (result[i] == result[i - 1])
                throw new TensorShapeException(op, $"axes [{string.Join(", ", axes)}] name the same axis twice.");
        return result;
    }

    /// <summary>0, 1, ..., count - 1.</summary>
    public static int[] Iota(int count)
    {
        var result = new int[count];
        for (int i = 0; i < count; i++) result[i] = i;
        return result;
    }

    /// <summary>The entries of <paramref name="values"/> at <paramref name="positions"/>, in that order.</summary>
    public static int[] Pick(int[] values, ReadOnlySpan<int> positions)
    {
        var result = new int[positions.Length];
        for (int i = 0; i < positions.Length; i++) result[i] = values[positions[i]];
        return result;
    }

    /// <summary>
    /// The shape both operands broadcast to (NumPy rules), or a typed error naming both shapes. One of the operands'
    /// own arrays (not a copy) when it already is the result: layouts never change their shape arrays.
    /// </summary>
    public static int[] Broadcast(string op, int[] a, int[] b)
    {
        int rank = Math.Max(a.Length, b.Length);
        bool isA = a.Length == rank, isB = b.Length == rank;
        for (int i = 0; i < rank; i++)
        {
            int da = Extent(a, i, rank), db = Extent(b, i, rank);
            if (da != db && da != 1 && db != 1)
                throw new TensorShapeException(op, $"cannot broadcast {S(a)} with {S(b)}: axis {i} of the result has {da} vs {db}; extents must match or be 1.");
            isA &= db == 1 || db == da;
            isB &= da == 1 || da == db;
        }
        if (isA) return a;
        if (isB) return b;
        var shape = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = Extent(a, i, rank);
            shape[i] = da == 1 ? Extent(b, i, rank) : da;
        }
        return shape;
    }

    /// <summary>The extent of <paramref name="shape"/> on axis <paramref name="i"/> of a right-aligned result of <paramref name="rank"/> axes (1 where it has no such axis).</summary>
    private static int Extent(int[] shape, int i, int rank) => i < rank - shape.Length ? 1 : shape[i - (rank - shape.Length)];

    public static void SameDevice(string op, Tensor a, Tensor b)
    {
        if (a.Device != b.Device)
            throw new TensorDeviceException(op, $"tensors are on different devices ({a.Device} and {b.Device}); move one with .To(device).");
    }

    public static void SameDType(string op, Tensor a, Tensor b)
    {
        if (a.DType != b.DType)
            throw new TensorDTypeException(op, $"element types differ ({a.DType} {S(a.Layout.Shape)} and {b.DType} {S(b.Layout.Shape)}); convert one with .To(DType.{a.DType}).");
    }

    public static void Float(string op, Tensor a)
    {
        if (!a.DType.IsFloat())
            throw new TensorDTypeException(op, $"needs a float tensor (F32 or F64), got {a.DType} {S(a.Layout.Shape)}; convert with .To(DType.F32).");
    }

    public static void Index(string op, Tensor index)
    {
        if (index.DType != DType.I32)
            throw new TensorDTypeException(op, $"indices must be I32, got {index.DType} {S(index.Layout.Shape)}; convert with .To(DType.I32).");
    }

    public static void Shape(string op, int[] shape)
    {
        foreach (var d in shape)
            if (d < 0)
                throw new TensorShapeException(op, $"shape {S(shape)} has a negative extent.");
        long count = 1;
        foreach (var d in shape) count *= d;
        if (count > int.MaxValue)
            throw new TensorShapeException(op, $"shape {S(shape)} holds {count} elements, more than the {int.MaxValue} a tensor can.");
    }
}
