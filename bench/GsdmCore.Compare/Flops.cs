using GsdmCore.Diffusion;

namespace GsdmCore.Compare;

/// <summary>Analytic forward multiply-add FLOPs (2 per MAC) of the denoiser, split into projections and attention.</summary>
internal static class Flops
{
    /// <summary>Linear-layer FLOPs of one forward on <paramref name="batch"/> items (identical for both engines by construction).</summary>
    public static double Linear(CompiledGraph graph, GsdmDenoiserConfig c, int batch)
    {
        double d = c.EmbeddingDim, n = graph.NodeCount, b = batch, width = graph.Features.Width;
        double perBlock = 2 * b * n * d * d * 2   // conv1, conv2
                        + 2 * b * d * d           // temb_proj
                        + 2 * n * d * d           // emb_proj (node embeddings are shared by the batch)
                        + 2 * b * n * d * d * 4;  // q, k, v, proj_out
        return c.Blocks * perBlock + 2 * (2 * b * d * d) + 2 * (2 * b * width * d);
    }

    /// <summary>Attention FLOPs (logits and weighted sum) for <paramref name="pairs"/> (query, key) pairs per head-summed item.</summary>
    public static double Attention(GsdmDenoiserConfig c, int batch, long pairs) => c.Blocks * 4.0 * batch * c.EmbeddingDim * pairs;
}
