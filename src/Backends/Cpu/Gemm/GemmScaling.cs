using System.Numerics;
using System.Numerics.Tensors;

namespace GsdmCore.Backends.Cpu;

/// <summary>The degenerate GEMM C = beta * C, or the addend (+ the columns), taken when k == 0 or alpha == 0 (A and B are not read).</summary>
internal static unsafe class GemmScaling
{
    public static void ScaleC<T>(in GemmProblem<T> pr)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (pr.Beta == T.One && pr.Columns == null && pr.Addend == null)
        {
            return;
        }

        for (int entry = 0; entry < pr.Batch; entry++)
        {
            T* c = pr.C + entry * pr.StrideC;
            for (int i = 0; i < pr.M; i++)
            {
                var row = new Span<T>(c + (nint)i * pr.Ldc, pr.N);
                if (pr.Addend != null)
                {
                    new ReadOnlySpan<T>(pr.Addend + entry * pr.StrideC + (nint)i * pr.Ldc, pr.N).CopyTo(row);
                }
                else if (T.IsZero(pr.Beta))
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
