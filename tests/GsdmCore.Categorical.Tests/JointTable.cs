namespace GsdmCore.Categorical.Tests;

/// <summary>A fixed joint distribution of three categorical variables with three classes, its entropy and exact samples.</summary>
internal static class JointTable
{
    public const int Nodes = 3, Classes = 3;

    /// <summary>p(a, b, c): a ~ (0.5, 0.3, 0.2); b = a w.p. 0.8; c = (a + b) mod 3 w.p. 0.9.</summary>
    public static double Probability(int a, int b, int c)
    {
        double pa = new[] { 0.5, 0.3, 0.2 }[a];
        double pb = b == a ? 0.8 : 0.1;
        double pc = c == (a + b) % 3 ? 0.9 : 0.05;
        return pa * pb * pc;
    }

    /// <summary>H(a, b, c) in bits.</summary>
    public static double EntropyBits()
    {
        double h = 0;
        for (int a = 0; a < 3; a++)
            for (int b = 0; b < 3; b++)
                for (int c = 0; c < 3; c++)
                {
                    double p = Probability(a, b, c);
                    h -= p * Math.Log2(p);
                }
        return h;
    }

    /// <summary>The three variables as three arrays (the table is not exchangeable), all in one factor.</summary>
    public static CompiledGraph Graph()
    {
        var m = new GraphicalModelBuilder("joint3");
        var a = m.Categorical("A", Classes);
        var b = m.Categorical("B", Classes);
        var c = m.Categorical("C", Classes);
        m.Factor(a[Array.Empty<int>()], b[Array.Empty<int>()], c[Array.Empty<int>()]);
        return m.Compile();
    }

    /// <summary>
    /// Every joint state, each repeated <paramref name="repeats"/> times, as flat rows [27 repeats, 9], with the weight
    /// p(state) / repeats of each row: a weighted average over the rows is an exact expectation over the data.
    /// </summary>
    public static (Tensor Data, double[] Weights) AllStates(int repeats, DType dtype)
    {
        int rows = 27 * repeats;
        var flat = new double[rows * 9];
        var weights = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            int s = r % 27;
            int[] v = [s / 9, s / 3 % 3, s % 3];
            for (int n = 0; n < Nodes; n++) flat[r * 9 + n * 3 + v[n]] = 1;
            weights[r] = Probability(v[0], v[1], v[2]) / repeats;
        }
        return (Tensor.FromArray(flat, [rows, 9]).To(dtype), weights);
    }

    /// <summary>The exact expected ELBO in bits per variable: the p-weighted bound of <see cref="AllStates"/>.</summary>
    public static double ExpectedBits(CategoricalElboResult elbo, double[] weights) =>
        elbo.NatsPerItem.Select((v, i) => v * weights[i]).Sum() / Nodes / Math.Log(2);

    /// <summary><paramref name="batch"/> exact draws as flat one-hot rows [batch, 9] (node i at columns 3i..3i+2).</summary>
    public static Tensor Sample(int batch, Random rng, DType dtype)
    {
        var flat = new double[batch * Nodes * Classes];
        for (int r = 0; r < batch; r++)
        {
            double u = rng.NextDouble(), c = 0;
            int found = 26;
            for (int i = 0; i < 27; i++)
            {
                c += Probability(i / 9, i / 3 % 3, i % 3);
                if (c > u) { found = i; break; }
            }
            int[] v = [found / 9, found / 3 % 3, found % 3];
            for (int n = 0; n < Nodes; n++) flat[r * 9 + n * 3 + v[n]] = 1;
        }
        return Tensor.FromArray(flat, [batch, Nodes * Classes]).To(dtype);
    }
}
