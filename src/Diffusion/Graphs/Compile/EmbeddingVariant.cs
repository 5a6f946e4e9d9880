namespace GsdmCore.Diffusion;

/// <summary>How nodes are told apart by the learned node embedding (paper §3.3).</summary>
public enum EmbeddingVariant
{
    /// <summary>IE: one learned vector per node; no two nodes share one.</summary>
    Independent,
    /// <summary>AE: one learned vector per array, plus a fixed sinusoidal code of the node's index in each dimension.</summary>
    Array,
    /// <summary>EE: one learned vector per exchangeable group: by default a whole array, or the array's own grouping.</summary>
    Exchangeable,
}
