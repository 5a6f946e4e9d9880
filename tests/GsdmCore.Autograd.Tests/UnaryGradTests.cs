using FsCheck.Fluent;

namespace GsdmCore.AutogradTests;

public class UnaryGradTests
{
    /// <summary>Domains keep inputs away from kinks (abs and relu at 0) and from where the op is undefined.</summary>
    private static readonly Dictionary<string, (Func<Tensor, Tensor> Run, Domain Domain)> Ops = new()
    {
        ["neg"] = (x => x.Neg(), Domain.Any),
        ["abs"] = (x => x.Abs(), Domain.NonZero),
        ["exp"] = (x => x.Exp(), Domain.Any),
        ["log"] = (x => x.Log(), Domain.Positive),
        ["sqrt"] = (x => x.Sqrt(), Domain.Positive),
        ["rsqrt"] = (x => x.Rsqrt(), Domain.Positive),
        ["square"] = (x => x.Square(), Domain.Any),
        ["tanh"] = (x => x.Tanh(), Domain.Any),
        ["sigmoid"] = (x => x.Sigmoid(), Domain.Any),
        ["silu"] = (x => x.Silu(), Domain.Any),
        ["silu_derivative"] = (x => x.SiluDerivative(), Domain.Any),
        ["relu"] = (x => x.Relu(), Domain.NonZero),
        ["sin"] = (x => x.Sin(), Domain.Any),
        ["cos"] = (x => x.Cos(), Domain.Any),
        // Sign records nothing, so sign(x) * x has derivative sign(x) (sign treated as a constant).
        ["sign_times_x"] = (x => x.Sign() * x, Domain.NonZero),
        ["clamp"] = (x => x.Clamp(-1, 1.5), Domain.Any),
        ["pow_scalar"] = (x => x.Pow(3.0), Domain.Any),
        ["pow_scalar_frac"] = (x => x.Pow(-1.5), Domain.Positive),
        ["scalar_arithmetic"] = (x => 2.0 / x - x * 3.0 + (1.0 - x) / 4.0 + 0.5, Domain.NonZero),
        ["contiguous"] = (x => x.Contiguous(), Domain.Any),
        ["clone"] = (x => x.Clone() * x, Domain.Any),
    };

    public static TheoryData<string, ViewKind> Cases => GradAssert.Matrix(Ops.Keys);

    [Theory, MemberData(nameof(Cases))]
    public void Gradient_matches_central_differences(string op, ViewKind view)
    {
        var (run, domain) = Ops[op];
        var cases = from shape in GradAssert.SmallShape()
                    from x in GradInput.Gen(shape, domain, view)
                    select x;
        Properties.Check($"grad/unary/{op}/{view}", cases, x => GradAssert.Passes(op, t => run(t[0]), x), maxTest: 10);
    }

    [Fact]
    public void Cast_passes_the_gradient_through()
    {
        // Rounding to F32 makes the function a staircase at float resolution: use a wide step.
        var x = Tensor.Randn([3, 2], new Generator(4), DType.F64);
        GradAssert.Passes("cast", t => (t[0].To(DType.F32) * 2.0).To(DType.F64), [x], eps: 1e-3, atol: 1e-3, rtol: 1e-3);
    }
}
