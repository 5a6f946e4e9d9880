namespace GsdmCore.Categorical.Tests;

/// <summary>
/// The exact x0 marginals p(x0_i | x_t) of <see cref="JointTable"/> under a categorical process (Bayes over the 27 joint
/// states): the best any x0-predicting network can do, so its ELBO is the process's own bound.
/// </summary>
internal sealed class OracleDenoiser(CategoricalDiffusion diffusion) : IDenoiser
{
    public Tensor Predict(Tensor xt, Tensor t, Tensor observedMask, Tensor observedValues)
    {
        var x = xt.ToArray<double>();
        var steps = t.ToArray<double>();
        int batch = xt.Dim(0), k = JointTable.Classes;
        var result = new double[x.Length];
        for (int b = 0; b < batch; b++)
        {
            double abar = diffusion.Schedule.AlphaBar((int)steps[b] + 1);
            var post = new double[JointTable.Nodes * k];
            for (int s = 0; s < 27; s++)
            {
                int[] v = [s / 9, s / 3 % 3, s % 3];
                double w = JointTable.Probability(v[0], v[1], v[2]);
                for (int n = 0; n < JointTable.Nodes; n++) w *= Likelihood(x, b * 9 + n * k, v[n], abar, k);
                for (int n = 0; n < JointTable.Nodes; n++) post[n * k + v[n]] += w;
            }
            for (int n = 0; n < JointTable.Nodes; n++)
            {
                double z = post[n * k] + post[n * k + 1] + post[n * k + 2];
                for (int c = 0; c < k; c++) result[b * 9 + n * k + c] = post[n * k + c] / z;
            }
        }
        return Tensor.FromArray(result, xt.Shape).To(xt.DType);
    }

    private double Likelihood(double[] x, int offset, int c, double abar, int k)
    {
        int state = -1;
        for (int j = 0; j < k; j++) if (x[offset + j] > 0.5) state = j;
        if (diffusion.Kind == DiffusionKind.Absorbing) return state < 0 ? 1 - abar : state == c ? abar : 0;
        return (state == c ? abar : 0) + (1 - abar) / k;
    }
}
