namespace GsdmCore.TestSupport;

/// <summary>Where an op's inputs are drawn from (e.g. positive for log and sqrt).</summary>
public enum Domain
{
    /// <summary>Uniform on [-3, 3].</summary>
    Any,
    /// <summary>Uniform on [0.25, 3].</summary>
    Positive,
    /// <summary>Uniform on [0.5, 3] with a random sign: safe divisors.</summary>
    NonZero,
    /// <summary>Integers -2..2: many ties, for comparisons, max/min and sign.</summary>
    Discrete,
    /// <summary>0 or 1: conditions for Where.</summary>
    Mask,
}

public static class DomainSampling
{
    public static double Sample(this Domain domain, Random rng) => domain switch
    {
        Domain.Any => rng.NextDouble() * 6 - 3,
        Domain.Positive => 0.25 + rng.NextDouble() * 2.75,
        Domain.NonZero => (0.5 + rng.NextDouble() * 2.5) * (rng.Next(2) == 0 ? -1 : 1),
        Domain.Discrete => rng.Next(-2, 3),
        Domain.Mask => rng.Next(2),
        _ => throw new ArgumentOutOfRangeException(nameof(domain)),
    };

    /// <summary>
    /// <paramref name="count"/> values, rounded to float when the tensor will be F32 so the reference
    /// sees exactly the numbers the engine holds.
    /// </summary>
    public static double[] Values(this Domain domain, int count, Random rng, Backends.DType dtype)
    {
        var values = new double[count];
        for (int i = 0; i < count; i++)
        {
            double v = domain.Sample(rng);
            values[i] = dtype == Backends.DType.F32 ? (float)v : v;
        }
        return values;
    }
}
