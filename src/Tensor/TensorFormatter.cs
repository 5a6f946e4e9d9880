using System.Globalization;
using System.Text;
using GsdmCore.Backends;

namespace GsdmCore;

/// <summary>Readable text of a tensor: shape, dtype and values, abbreviated like NumPy beyond 1000 elements.</summary>
internal static class TensorFormatter
{
    private const int Threshold = 1000;
    private const int EdgeItems = 3;

    public static string Format(Tensor t)
    {
        var header = $"Tensor{Checks.S(t.Layout.Shape)} {t.DType}" + (t.Device == Device.Cpu ? "" : $" {t.Device}")
            + (t.Node != null ? $" grad_fn={t.Node}" : t.RequiresGrad ? " requires_grad" : "");
        var values = t.ToArray<double>();
        bool abbreviate = values.Length > Threshold;
        var sb = new StringBuilder(header).Append('\n');
        Append(sb, values, t.Layout.Shape, Layout.ContiguousStrides(t.Layout.Shape), 0, 0, abbreviate, t.DType);
        return sb.ToString();
    }

    private static void Append(StringBuilder sb, double[] v, int[] shape, int[] strides, int axis, int at, bool abbreviate, DType dtype)
    {
        if (axis == shape.Length)
        {
            sb.Append(dtype == DType.I32 ? ((long)v[at]).ToString(CultureInfo.InvariantCulture) : v[at].ToString("0.####", CultureInfo.InvariantCulture));
            return;
        }
        sb.Append('[');
        int n = shape[axis];
        for (int i = 0; i < n; i++)
        {
            if (abbreviate && n > 2 * EdgeItems && i == EdgeItems)
            {
                sb.Append("..., ");
                i = n - EdgeItems - 1;
                continue;
            }
            Append(sb, v, shape, strides, axis + 1, at + i * strides[axis], abbreviate, dtype);
            if (i < n - 1) sb.Append(axis == shape.Length - 1 ? ", " : ",\n" + new string(' ', axis + 1));
        }
        sb.Append(']');
    }
}
