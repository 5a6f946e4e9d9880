namespace GsdmCore.Diffusion;

/// <summary>What is wrong with a graphical-model specification.</summary>
public enum GraphSpecError
{
    /// <summary>A name is empty or contains characters that would make node names ambiguous.</summary>
    InvalidName,
    /// <summary>Two arrays share one name.</summary>
    DuplicateArray,
    /// <summary>An array has an index dimension of size less than 1, so it holds no variable.</summary>
    EmptyArray,
    /// <summary>An array repeats an index-dimension name.</summary>
    DuplicateIndexName,
    /// <summary>A categorical array has fewer than 2 classes.</summary>
    InvalidClasses,
    /// <summary>No array of that name exists in the model.</summary>
    UnknownArray,
    /// <summary>A node belongs to no array of this model (default value, or an array of another builder).</summary>
    UnknownNode,
    /// <summary>A node index has the wrong number of entries or an entry outside its dimension.</summary>
    IndexOutOfRange,
    /// <summary>An index-dimension name is not a dimension of the array it is asked of.</summary>
    UnknownIndexName,
    /// <summary>A factor has fewer than one node.</summary>
    EmptyFactor,
    /// <summary>A plate names an index dimension that the arrays it covers do not have.</summary>
    UnknownPlateIndex,
    /// <summary>The arrays of a plate give its index dimension different sizes.</summary>
    PlateSizeMismatch,
    /// <summary>Two plates share one index name.</summary>
    DuplicatePlate,
    /// <summary>The model was already built; the builder and its arrays no longer change.</summary>
    ModelFrozen,
    /// <summary>A node permutation is not a bijection of the model's nodes.</summary>
    InvalidPermutation,
}

/// <summary>
/// An invalid graphical-model specification (or a bad request against a compiled one). The message names the
/// model, the array or node at fault and the rule that was broken; <see cref="Error"/> says which rule.
/// </summary>
public sealed class GraphSpecException : Exception
{
    /// <summary>The rule that was broken.</summary>
    public GraphSpecError Error { get; }

    /// <summary>Creates the exception for <paramref name="error"/> with a message that names the problem.</summary>
    public GraphSpecException(GraphSpecError error, string message) : base(message) => Error = error;
}
