using GsdmCore.Backends;

namespace GsdmCore.Backends.Conformance;

/// <summary>How a test input sits in its buffer.</summary>
public enum ViewKind
{
    /// <summary>Row-major, gap-free, offset 0.</summary>
    Contiguous,
    /// <summary>Axes permuted (a transposed view); a rank-1 view takes every other element.</summary>
    Strided,
    /// <summary>A narrowed window of a padded buffer: non-zero offset and gaps between rows.</summary>
    Narrowed,
    /// <summary>Some axes broadcast with stride 0.</summary>
    Broadcast,
}

/// <summary>
/// A test input or output on the host: the whole buffer's values (as double) and the view's layout. The
/// same HostView is uploaded to every backend, so each sees bit-identical input.
/// </summary>
public sealed class HostView
{
    public HostView(DType dtype, double[] storage, Layout layout, ViewKind kind)
    {
        DType = dtype;
        Storage = storage;
        Layout = layout;
        Kind = kind;
    }

    public DType DType { get; }
    public double[] Storage { get; }
    public Layout Layout { get; }
    public ViewKind Kind { get; }

    /// <summary>A buffer on <paramref name="backend"/> holding <see cref="Storage"/>.</summary>
    public IBuffer Upload(Backend backend)
    {
        var buffer = backend.Allocate(Storage.Length, DType);
        switch (DType)
        {
            case DType.F32: backend.Upload<float>(Storage.Select(v => (float)v).ToArray(), buffer); break;
            case DType.F64: backend.Upload<double>(Storage, buffer); break;
            default: backend.Upload<int>(Storage.Select(v => (int)v).ToArray(), buffer); break;
        }
        return buffer;
    }

    /// <summary>A view of <paramref name="shape"/> of kind <paramref name="kind"/> whose buffer is filled by <paramref name="value"/>.</summary>
    public static HostView Make(Random rng, int[] shape, ViewKind kind, DType dtype, Func<Random, double> value)
    {
        int rank = shape.Length;
        int[] storageShape = (int[])shape.Clone();
        int[] strides;
        int offset = 0;
        switch (kind)
        {
            case ViewKind.Strided when rank >= 2:
            {
                var perm = Enumerable.Range(0, rank).Reverse().ToArray(); // reversed axes: a full transpose
                storageShape = perm.Select(p => shape[p]).ToArray();
                var cs = Layout.ContiguousStrides(storageShape);
                strides = new int[rank];
                for (int i = 0; i < rank; i++) strides[perm[i]] = cs[i];
                break;
            }
            case ViewKind.Strided when rank == 1:
                storageShape = [shape[0] * 2];
                strides = [2];
                break;
            case ViewKind.Narrowed:
            {
                var pads = shape.Select(_ => rng.Next(1, 3)).ToArray();
                storageShape = shape.Select((d, i) => d + pads[i]).ToArray();
                strides = Layout.ContiguousStrides(storageShape);
                for (int i = 0; i < rank; i++) offset += rng.Next(0, pads[i] + 1) * strides[i];
                if (rank == 0) { storageShape = [3]; offset = 2; }
                break;
            }
            case ViewKind.Broadcast:
            {
                var wide = Enumerable.Range(0, rank).Where(i => shape[i] > 1).ToArray();
                var bcast = wide.Where(_ => rng.Next(2) == 0).ToHashSet();
                if (bcast.Count == 0 && wide.Length > 0) bcast.Add(wide[rng.Next(wide.Length)]);
                storageShape = shape.Select((d, i) => bcast.Contains(i) ? 1 : d).ToArray();
                strides = Layout.ContiguousStrides(storageShape);
                foreach (var i in bcast) strides[i] = 0;
                break;
            }
            default:
                strides = Layout.ContiguousStrides(shape);
                break;
        }
        var storage = new double[Math.Max(Layout.ShapeCount(storageShape), 1)];
        for (int i = 0; i < storage.Length; i++) storage[i] = ScalarBackend.Round(dtype, value(rng));
        return new HostView(dtype, storage, new Layout((int[])shape.Clone(), strides, offset), kind);
    }

    public override string ToString() => $"{Kind} {DType} {Layout}";
}
