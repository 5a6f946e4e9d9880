namespace GsdmCore.Diffusion;

/// <summary>The Theorem 3.1 verdict for one node permutation.</summary>
/// <param name="Group">The plate index (or "custom") the permutation belongs to.</param>
/// <param name="Permutation">The permutation's name.</param>
/// <param name="MaskPreserved">M = πM: every attention pair (i, j) maps to an attention pair (π i, π j).</param>
/// <param name="EmbeddingsShared">Every node and its image share the embedding id (and, for AE, the position).</param>
/// <param name="TypesPreserved">Every node and its image agree on kind, K and role, so projections and observation match.</param>
/// <param name="Detail">The first counterexample found, or "" when invariant.</param>
public sealed record InvarianceRow(string Group, string Permutation, bool MaskPreserved, bool EmbeddingsShared, bool TypesPreserved, string Detail)
{
    /// <summary>All three conditions hold, so the modelled distribution is invariant under the permutation.</summary>
    public bool Invariant => MaskPreserved && EmbeddingsShared && TypesPreserved;
}
