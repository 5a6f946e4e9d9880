using FsCheck.Fluent;

namespace GsdmCore.AutogradTests;

public class BinaryGradTests
{
    private static readonly Dictionary<string, (Func<Tensor, Tensor, Tensor> Run, Domain A, Domain B)> Ops = new()
    {
        ["add"] = ((a, b) => a + b, Domain.Any, Domain.Any),
        ["sub"] = ((a, b) => a - b, Domain.Any, Domain.Any),
        ["mul"] = ((a, b) => a * b, Domain.Any, Domain.Any),
        ["div"] = ((a, b) => a / b, Domain.Any, Domain.NonZero),
        ["pow"] = ((a, b) => a.Pow(b), Domain.Positive, Domain.Any),
        ["maximum"] = ((a, b) => a.Maximum(b), Domain.Any, Domain.Any),
        ["minimum"] = ((a, b) => a.Minimum(b), Domain.Any, Domain.Any),
    };

    public static TheoryData<string, ViewKind> Cases => GradAssert.Matrix(Ops.Keys);

    /// <summary>Operands broadcast against each other, so gradients must be summed back to each shape.</summary>
    [Theory, MemberData(nameof(Cases))]
    public void Gradient_matches_central_differences_with_broadcasting(string op, ViewKind view)
    {
        var (run, domainA, domainB) = Ops[op];
        var cases = from full in GradAssert.SmallShape()
                    from shapeA in Gens.BroadcastPartOf(full)
                    from shapeB in Gens.BroadcastPartOf(full)
                    from a in GradInput.Gen(shapeA, domainA, view)
                    from bView in Gens.View
                    from b in GradInput.Gen(shapeB, domainB, bView)
                    select (a, b);
        Properties.Check($"grad/binary/{op}/{view}", cases, c => GradAssert.Passes(op, t => run(t[0], t[1]), c.a, c.b), maxTest: 10);
    }

    /// <summary>The condition is a constant of the closure: perturbing it would flip the selection.</summary>
    [Theory, MemberData(nameof(Views))]
    public void Where_sends_the_gradient_to_the_selected_operand(ViewKind view)
    {
        var cases = from full in GradAssert.SmallShape()
                    from shapeC in Gens.BroadcastPartOf(full)
                    from shapeA in Gens.BroadcastPartOf(full)
                    from shapeB in Gens.BroadcastPartOf(full)
                    from cond in Gens.Spec(shapeC, Domain.Mask)
                    from a in GradInput.Gen(shapeA, Domain.Any, view)
                    from b in GradInput.Gen(shapeB, Domain.Any, view)
                    select (cond, a, b);
        Properties.Check($"grad/where/{view}", cases, c =>
        {
            var mask = c.cond.Make(DType.F64).Tensor;
            GradAssert.Passes($"where({c.cond})", t => Tensor.Where(mask, t[0], t[1]), c.a, c.b);
        }, maxTest: 10);
    }

    public static TheoryData<ViewKind> Views() => new(GradAssert.Views);
}
