namespace GsdmCore.Diffusion;

/// <summary>Draws categorical states by inverse CDF (one uniform per node) and writes them into flat rows.</summary>
internal static class StateSampling
{
    /// <summary>
    /// For probabilities <paramref name="probabilities"/> [B, n, K'] (row-major), the state of each (b, i): the first k
    /// whose cumulative probability exceeds u = <paramref name="uniforms"/>[b * dim + offsets[i]] times the row's total.
    /// </summary>
    internal static int[] Draw(double[] probabilities, int batch, int[] offsets, int states, float[] uniforms, int dim)
    {
        int n = offsets.Length;
        var result = new int[batch * n];
        for (int b = 0; b < batch; b++)
            for (int i = 0; i < n; i++)
            {
                int row = (b * n + i) * states;
                double total = 0;
                for (int k = 0; k < states; k++) total += probabilities[row + k];
                double target = uniforms[b * dim + offsets[i]] * total, cumulative = 0;
                int chosen = -1;
                for (int k = 0; k < states; k++)
                {
                    double p = probabilities[row + k];
                    if (p <= 0) continue;
                    cumulative += p;
                    chosen = k;
                    if (cumulative > target) break;
                }
                result[b * n + i] = Math.Max(chosen, 0);
            }
        return result;
    }

    /// <summary>Writes one-hot slices of <paramref name="classes"/> entries at <paramref name="offsets"/>; a state = classes (the mask) writes zeros.</summary>
    internal static void Write(double[] flat, int dim, int[] offsets, int classes, int[] states, int batch)
    {
        int n = offsets.Length;
        for (int b = 0; b < batch; b++)
            for (int i = 0; i < n; i++)
            {
                int o = b * dim + offsets[i];
                Array.Clear(flat, o, classes);
                int s = states[b * n + i];
                if (s < classes) flat[o + s] = 1;
            }
    }
}
