using GsdmCore.Backends;

namespace GsdmCore.Autograd;

/// <summary>
/// The gradient of every recorded op, one arm each, written with public tensor ops. Called under
/// <see cref="GradMode.Disable"/>; returns one gradient per input (null where none flows).
/// </summary>
public static class GradRules
{
    /// <summary>Gradients of <paramref name="node"/>'s inputs given the gradient <paramref name="g"/> of its output.</summary>
    public static Tensor?[] Backward(GradNode node, Tensor g)
    {
        var x = node.Inputs;
        var y = node.Output;
        switch (node.Kind)
        {
            case OpKind.Unary: return [Unary((UnaryOp)node.Attr!, x[0], y, g)];
            case OpKind.Clamp:
            {
                var (lo, hi) = ((double, double))node.Attr!;
                return [g * (x[0].Ge(Const(x[0], lo)) * x[0].Le(Const(x[0], hi)))];
            }
            case OpKind.Binary: return Binary((BinaryOp)node.Attr!, x[0], x[1], y, g);
            case OpKind.Where:
            {
                var zero = g.ZerosLike();
                return [null, Tensor.Where(x[0], g, zero).SumTo(x[1].Layout.Shape), Tensor.Where(x[0], zero, g).SumTo(x[2].Layout.Shape)];
            }
            case OpKind.Sum:
            {
                var attr = (ReduceAttr)node.Attr!;
                return [Kept(g, x[0], attr).Expand(x[0].Layout.Shape)];
            }
            case OpKind.Max:
            case OpKind.Min:
            {
                // Ties share the gradient equally, like PyTorch's amax/amin.
                var attr = (ReduceAttr)node.Attr!;
                var mask = x[0].Eq(Kept(y, x[0], attr));
                var count = mask.Sum(attr.Axes, keepDim: true);
                return [Kept(g, x[0], attr) * mask / count];
            }
            case OpKind.Softmax:
            {
                int axis = (int)node.Attr!;
                return [y * (g - (g * y).Sum(axis, keepDim: true))];
            }
            case OpKind.LogSoftmax:
            {
                int axis = (int)node.Attr!;
                return [g - y.Exp() * g.Sum(axis, keepDim: true)];
            }
            case OpKind.Matmul:
                return [
                    x[0].RequiresGrad ? g.Matmul(x[1].MT).SumTo(x[0].Layout.Shape) : null,
                    x[1].RequiresGrad ? RightOperandGrad(x[0], x[1], g) : null,
                ];
            case OpKind.MatmulAdd:
            {
                var grads = new Tensor?[x.Length];
                grads[0] = x[0].RequiresGrad ? g.Matmul(x[1].MT).SumTo(x[0].Layout.Shape) : null;
                int bias = BiasAddend(x, g);
                if (bias >= 0) (grads[1], grads[bias]) = WeightAndBiasGrads(x[0], g);
                else grads[1] = x[1].RequiresGrad ? RightOperandGrad(x[0], x[1], g) : null;
                for (int i = 2; i < x.Length; i++)
                    if (i != bias) grads[i] = x[i].RequiresGrad ? g.SumTo(x[i].Layout.Shape) : null;
                return grads;
            }
            case OpKind.Reshape: return [g.Reshape(x[0].Layout.Shape)];
            case OpKind.Permute:
            {
                var order = (int[])node.Attr!;
                var inverse = new int[order.Length];
                for (int i = 0; i < order.Length; i++) inverse[order[i]] = i;
                return [g.Permute(inverse)];
            }
            case OpKind.Narrow:
            {
                var (axis, start) = ((int, int))node.Attr!;
                var full = x[0].ZerosLike();
                full.Narrow(axis, start, g.Dim(axis)).CopyFrom(g);
                return [full];
            }
            case OpKind.Expand: return [g.SumTo(x[0].Layout.Shape)];
            case OpKind.Copy: return [g];
            case OpKind.Cast: return [g.To(x[0].DType)];
            case OpKind.IndexSelect:
            {
                var attr = (IndexAttr)node.Attr!;
                return [x[0].ZerosLike().IndexAdd(attr.Axis, attr.Index, g)];
            }
            case OpKind.IndexAdd:
            {
                var attr = (IndexAttr)node.Attr!;
                return [g, x[1].RequiresGrad ? g.IndexSelect(attr.Axis, attr.Index) : null];
            }
            case OpKind.Gather:
            {
                var attr = (IndexAttr)node.Attr!;
                var full = x[0].ZerosLike();
                var region = full;
                for (int d = 0; d < full.Rank; d++)
                    if (d != attr.Axis) region = region.Narrow(d, 0, attr.Index.Dim(d));
                region.CopyFrom(region.ZerosLike().ScatterAdd(attr.Axis, attr.Index, g));
                return [full];
            }
            case OpKind.ScatterAdd:
            {
                var attr = (IndexAttr)node.Attr!;
                return [g, x[1].RequiresGrad ? g.Gather(attr.Axis, attr.Index) : null];
            }
            case OpKind.Concat:
            {
                int axis = (int)node.Attr!;
                var parts = new Tensor?[x.Length];
                int at = 0;
                for (int i = 0; i < x.Length; i++)
                {
                    int len = x[i].Dim(axis);
                    parts[i] = g.Narrow(axis, at, len);
                    at += len;
                }
                return parts;
            }
            case OpKind.Custom: return ((ICustomGrad)node.Attr!).Backward(node, g);
            default: throw new NotSupportedException($"backward: no gradient rule for {node.Kind}.");
        }
    }

    /// <summary>
    /// dB of a @ b: a^T g, or, when b is the transposed view of a contiguous matrix (a linear layer's W.MT), (g^T a)^T,
    /// the same product computed as a contiguous matrix under a transposed view, so that W's gradient comes out
    /// contiguous and needs no transposing copy.
    /// </summary>
    private static Tensor RightOperandGrad(Tensor a, Tensor b, Tensor g) =>
        IsTransposedWeight(a, b) ? g.MT.Matmul(a).MT : a.MT.Matmul(g).SumTo(b.Layout.Shape);

    /// <summary>Whether b is the transposed view of a contiguous matrix (W.MT) multiplying a matrix a.</summary>
    private static bool IsTransposedWeight(Tensor a, Tensor b)
    {
        var l = b.Layout;
        return l.Rank == 2 && a.Rank == 2 && l.Strides[0] == 1 && l.Strides[1] == l.Shape[0] && l.Shape[0] > 1;
    }

    /// <summary>
    /// The addend of a linear layer's a @ W.MT + bias whose gradient, the column sums of g, the weight gradient's product
    /// g^T a can hand back beside it (<see cref="Tensor.MatmulWithRowSums"/>): a [N] vector needing a gradient, with W
    /// needing one too; -1 when there is none.
    /// </summary>
    private static int BiasAddend(Tensor[] x, Tensor g)
    {
        if (!x[1].RequiresGrad || g.Rank != 2 || !IsTransposedWeight(x[0], x[1])) return -1;
        for (int i = 2; i < x.Length; i++)
            if (x[i].RequiresGrad && x[i].Rank == 1 && x[i].Dim(0) == g.Dim(1)) return i;
        return -1;
    }

    /// <summary>dW (as W.MT's gradient) and the bias gradient of a @ W.MT + bias, from one product over g.</summary>
    private static (Tensor Weight, Tensor Bias) WeightAndBiasGrads(Tensor a, Tensor g)
    {
        var weight = g.MT.MatmulWithRowSums(a, out var bias);
        return (weight.MT, bias);
    }

    private static Tensor Unary(UnaryOp op, Tensor x, Tensor y, Tensor g) => op switch
    {
        UnaryOp.Neg => -g,
        UnaryOp.Abs => g * x.Sign(),
        UnaryOp.Exp => g * y,
        UnaryOp.Log => g / x,
        UnaryOp.Sqrt => g * 0.5 / y,
        UnaryOp.Rsqrt => g * -0.5 * y * y * y,
        UnaryOp.Square => g * 2.0 * x,
        UnaryOp.Tanh => g * (1.0 - y * y),
        UnaryOp.Sigmoid => g * y * (1.0 - y),
        UnaryOp.Silu => SiluGrad(x, g),
        UnaryOp.Relu => g * x.Gt(0),
        UnaryOp.Sin => g * x.Cos(),
        UnaryOp.Cos => -g * x.Sin(),
        UnaryOp.Sign => g.ZerosLike(),
        UnaryOp.SiluDerivative => SiluSecondDerivative(x, g),
        _ => throw new NotSupportedException($"backward: no gradient rule for unary {op}."),
    };

    // d/dx x*s(x) = s + x*s*(1 - s) = s * (1 + x * (1 - s)), one fused kernel.
    private static Tensor SiluGrad(Tensor x, Tensor g) => g * x.SiluDerivative();

    // d/dx s (1 + x (1 - s)) = s (1 - s) (2 + x (1 - 2 s))
    private static Tensor SiluSecondDerivative(Tensor x, Tensor g)
    {
        var s = x.Sigmoid();
        return g * s * (1.0 - s) * (2.0 + x * (1.0 - 2.0 * s));
    }

    private static Tensor?[] Binary(BinaryOp op, Tensor a, Tensor b, Tensor y, Tensor g)
    {
        Tensor? ga = null, gb = null;
        switch (op)
        {
            case BinaryOp.Add: ga = g; gb = g; break;
            case BinaryOp.Sub: ga = g; gb = b.RequiresGrad ? -g : null; break;
            case BinaryOp.Mul:
                ga = a.RequiresGrad ? g * b : null;
                gb = b.RequiresGrad ? g * a : null;
                break;
            case BinaryOp.Div:
                ga = a.RequiresGrad ? g / b : null;
                gb = b.RequiresGrad ? -g * y / b : null;
                break;
            case BinaryOp.Pow:
                ga = a.RequiresGrad ? g * b * a.Pow(b - 1.0) : null;
                // d/db a^b = a^b ln a, taken as 0 where a <= 0 (where PyTorch also defines it by convention).
                gb = b.RequiresGrad ? Tensor.Where(a.Gt(0), g * y * a.Abs().Log(), g.ZerosLike()) : null;
                break;
            case BinaryOp.Maximum:
            case BinaryOp.Minimum:
            {
                // Ties split the gradient evenly between the operands.
                var wins = op == BinaryOp.Maximum ? a.Gt(b) : a.Lt(b);
                var share = wins + a.Eq(b) * 0.5;
                ga = g * share;
                gb = g * (1.0 - share);
                break;
            }
            default: throw new NotSupportedException($"backward: comparison {op} has no gradient.");
        }
        return [ga?.SumTo(a.Layout.Shape), gb?.SumTo(b.Layout.Shape)];
    }

    /// <summary>A reduction's output (or its gradient) with the reduced axes restored as extent 1.</summary>
    private static Tensor Kept(Tensor t, Tensor input, ReduceAttr attr) => attr.KeepDim ? t : t.Reshape(input.KeptShape(attr.Axes));

    private static Tensor Const(Tensor like, double value) => Tensor.Scalar(value, like.DType, like.Device);
}
