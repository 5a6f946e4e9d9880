using System.Numerics;
using System.Numerics.Tensors;

namespace GsdmCore.Backends.Cpu;

/// <summary>The degenerate GEMM C = beta * C (+ the columns), taken when k == 0 or alpha == 0 (A and B are not read).</summary>
internal static unsafe class GemmScaling
{
    public static void ScaleC<T>(in GemmProblem<T> pr)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (pr.Beta == T.One && pr.Columns == null)
        {
            return;
        }

        for (int entry = 0; entry < pr.Batch; entry++)
        {
            T* c = pr.C + entry * pr.StrideC;
            for (int i = 0; i < pr.M; i++)
            {
                var row = new Span<T>(c + (nint)i * pr.Ldc, pr.N);
                if (T.IsZero(pr.Beta))
                {
                    // Overwrite rather than multiply so NaN or Inf already in C does not survive.
                    row.Clear();
                }
                else if (pr.Beta != T.One)
                {
                    TensorPrimitives.Multiply<T>(row, pr.Beta, row);
                }

                if (pr.Columns != null)
                {
                    TensorPrimitives.Add<T>(row, new ReadOnlySpan<T>(pr.Columns, pr.N), row);
                }
            }
        }
    }
}
