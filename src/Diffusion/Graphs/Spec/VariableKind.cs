namespace GsdmCore.Diffusion;

/// <summary>The value type of the variables of an array.</summary>
public enum VariableKind
{
    /// <summary>A real scalar: one feature in the flat per-datum vector.</summary>
    Continuous,
    /// <summary>One of K classes: K features (a one-hot vector) in the flat per-datum vector.</summary>
    Categorical,
}
