namespace GsdmCore.TestSupport;

/// <summary>How an input tensor's memory is laid out behind its logical shape.</summary>
public enum ViewKind
{
    /// <summary>Row-major, offset 0.</summary>
    Contiguous,
    /// <summary>Permuted storage viewed back through Permute (non-unit inner strides).</summary>
    Transposed,
    /// <summary>Cut out of a larger NaN-padded tensor with Select and Narrow (non-zero offset, gaps).</summary>
    Narrowed,
    /// <summary>Stride-0 Expand of extent-1 and missing leading axes.</summary>
    Broadcast,
    /// <summary>Narrowed out of permuted storage: both of the above at once.</summary>
    TransposedNarrowed,
}
