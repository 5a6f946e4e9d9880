namespace GsdmCore.Backends.Cpu;

/// <summary>Buffer offset of the o-th index (row-major) over the leading axes of a layout.</summary>
internal static class OuterIndex
{
    public static int Offset(Layout layout, int leadingAxes, int o)
    {
        int at = layout.Offset;
        for (int axis = leadingAxes - 1; axis >= 0; axis--)
        {
            int d = layout.Shape[axis];
            at += (o % d) * layout.Strides[axis];
            o /= d;
        }
        return at;
    }

    /// <summary>True when the trailing axes from <paramref name="from"/> on form one unit-stride run.</summary>
    public static bool TrailingIsContiguous(Layout layout, int from)
    {
        int expected = 1;
        for (int axis = layout.Rank - 1; axis >= from; axis--)
        {
            if (layout.Shape[axis] == 1) continue;
            if (layout.Strides[axis] != expected) return false;
            expected *= layout.Shape[axis];
        }
        return true;
    }
}
