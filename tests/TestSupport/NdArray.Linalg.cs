namespace GsdmCore.TestSupport;

public sealed partial class NdArray
{
    /// <summary>Batched [..., M, K] x [..., K, N] with broadcast batch axes, as a triple loop per batch.</summary>
    public static NdArray Matmul(NdArray a, NdArray b)
    {
        int m = a.Shape[^2], k = a.Shape[^1], n = b.Shape[^1];
        if (b.Shape[^2] != k) throw new ArgumentException($"matmul {Format(a.Shape)} {Format(b.Shape)}");
        var batch = BroadcastShape(a.Shape[..^2], b.Shape[..^2]) ?? throw new ArgumentException("matmul batch");
        var ab = a.BroadcastTo([.. batch, m, k]);
        var bb = b.BroadcastTo([.. batch, k, n]);
        var result = Zeros([.. batch, m, n]);
        int batches = ShapeCount(batch);
        for (int p = 0; p < batches; p++)
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    double sum = 0;
                    for (int q = 0; q < k; q++)
                        sum += ab.Data[(p * m + i) * k + q] * bb.Data[(p * k + q) * n + j];
                    result.Data[(p * m + i) * n + j] = sum;
                }
        return result;
    }
}
