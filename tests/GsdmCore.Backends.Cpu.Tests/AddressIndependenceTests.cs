using System.Numerics;
using System.Runtime.InteropServices;
using Xunit;

namespace GsdmCore.Backends.Cpu.Tests;

/// <summary>
/// The CPU kernels' results depend on the values alone, never on where the arrays lie. A kernel whose grouping of
/// elements into vectors follows the data's address (as TensorPrimitives' sine and cosine do: a vector with one large
/// lane goes to the scalar routine whole) gives the same values different bits wherever the GC happened to put them:
/// the demo's training took one of two trajectories, depending on where its timestep embedding's arrays had landed.
/// </summary>
public sealed unsafe class AddressIndependenceTests
{
    private const int Length = 1000;

    /// <summary>
    /// Values over most of the float range, both signs, with NaN, infinities, a subnormal and signed zeros among them
    /// (<paramref name="sparseLarge"/> false); or moderate values (|x| &lt; 1000, a timestep embedding's) with a large
    /// one (up to 10^7) every few elements, so that only some vectors hold a large lane.
    /// </summary>
    private static T[] Values<T>(int seed, bool sparseLarge) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new Random(seed);
        double[] special = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, 1e-42, -0.0, 0.0];
        var values = new T[Length];
        for (int i = 0; i < values.Length; i++)
        {
            double magnitude = sparseLarge
                ? (i % 11 == 0 ? Math.Pow(10, 5 + 2 * rng.NextDouble()) : 1000 * rng.NextDouble())
                : Math.Pow(10, rng.NextDouble() * 76 - 38);
            double value = !sparseLarge && i % 37 == 0 ? special[i / 37 % special.Length] : rng.Next(2) == 0 ? magnitude : -magnitude;
            values[i] = T.CreateTruncating(value);
        }
        return values;
    }

    /// <summary>Every value of the op enum, each with both value sets.</summary>
    private static TheoryData<TOp, bool> EveryOpOnBothValueSets<TOp>() where TOp : struct, Enum
    {
        var cases = new TheoryData<TOp, bool>();
        foreach (var op in Enum.GetValues<TOp>())
        {
            cases.Add(op, false);
            cases.Add(op, true);
        }
        return cases;
    }

    public static TheoryData<UnaryOp, bool> UnaryOps() => EveryOpOnBothValueSets<UnaryOp>();

    public static TheoryData<BinaryOp, bool> BinaryOps() => EveryOpOnBothValueSets<BinaryOp>();

    [Theory]
    [MemberData(nameof(UnaryOps))]
    public void A_float_unary_op_gives_the_same_bits_wherever_its_input_and_output_lie(UnaryOp op, bool sparseLarge) =>
        SameBitsAtEveryAddress<float>(op.ToString(), 2 * (int)op, sparseLarge, (x, _, y) => UnaryKernels<float>.Apply(op, x, y));

    [Theory]
    [MemberData(nameof(UnaryOps))]
    public void A_double_unary_op_gives_the_same_bits_wherever_its_input_and_output_lie(UnaryOp op, bool sparseLarge) =>
        SameBitsAtEveryAddress<double>(op.ToString(), 2 * (int)op, sparseLarge, (x, _, y) => UnaryKernels<double>.Apply(op, x, y));

    [Theory]
    [MemberData(nameof(BinaryOps))]
    public void A_float_binary_op_gives_the_same_bits_wherever_its_inputs_and_output_lie(BinaryOp op, bool sparseLarge) =>
        SameBitsAtEveryAddress<float>(op.ToString(), 100 + 2 * (int)op, sparseLarge, (a, b, y) => BinaryKernels<float>.Spans(op, a, b, y));

    [Theory]
    [MemberData(nameof(BinaryOps))]
    public void A_double_binary_op_gives_the_same_bits_wherever_its_inputs_and_output_lie(BinaryOp op, bool sparseLarge) =>
        SameBitsAtEveryAddress<double>(op.ToString(), 100 + 2 * (int)op, sparseLarge, (a, b, y) => BinaryKernels<double>.Spans(op, a, b, y));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Softmax_gives_every_row_holding_the_same_values_the_same_bits(bool log)
    {
        SameRowsSameBits<float>(log);
        SameRowsSameBits<double>(log);
    }

    /// <summary>
    /// Rows of an odd length start at every element position of a cache line: rows holding the same values (spread so
    /// that after the max shift some exponents underflow and some do not) must come out the same.
    /// </summary>
    private static void SameRowsSameBits<T>(bool log) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int rows = 16, length = 1001;
        var rng = new Random(7);
        var row = new T[length];
        for (int j = 0; j < length; j++) row[j] = T.CreateTruncating(j % 5 == 0 ? -2000 * rng.NextDouble() : 10 * rng.NextDouble());
        var x = new T[rows * length];
        for (int r = 0; r < rows; r++) row.CopyTo(x, r * length);
        var y = new T[rows * length];
        SoftmaxKernels<T>.Run(x, Layout.Contiguous([rows, length]), log, y);
        for (int r = 1; r < rows; r++)
            for (int j = 0; j < length; j++)
                if (!SameBits(y[r * length + j], y[j]))
                    Assert.Fail($"{(log ? "log-" : "")}softmax<{typeof(T).Name}> of the same row gave {y[r * length + j]:R} in row {r} and {y[j]:R} in row 0 at column {j}");
    }

    private delegate void SpanOp<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> y);

    private static void SameBitsAtEveryAddress<T>(string name, int seed, bool sparseLarge, SpanOp<T> op) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var first = Values<T>(seed, sparseLarge);
        var second = Values<T>(seed + 1000, sparseLarge);
        int lanes = 64 / sizeof(T);
        // Cache-line-aligned blocks; the inputs and the output start at every element position of a line in them.
        nuint bytes = (nuint)((Length + lanes) * sizeof(T));
        T* a = (T*)NativeMemory.AlignedAlloc(bytes, 64), b = (T*)NativeMemory.AlignedAlloc(bytes, 64), output = (T*)NativeMemory.AlignedAlloc(bytes, 64);
        try
        {
            T[]? reference = null;
            for (int aAt = 0; aAt < lanes; aAt++)
                for (int outputAt = 0; outputAt < lanes; outputAt++)
                {
                    int bAt = (5 * aAt + outputAt) % lanes;
                    var x = new Span<T>(a + aAt, Length);
                    var z = new Span<T>(b + bAt, Length);
                    var y = new Span<T>(output + outputAt, Length);
                    first.CopyTo(x);
                    second.CopyTo(z);
                    y.Fill(T.CreateTruncating(12345));
                    op(x, z, y);
                    if (reference == null)
                    {
                        reference = y.ToArray();
                        continue;
                    }
                    for (int i = 0; i < Length; i++)
                        if (!SameBits(y[i], reference[i]))
                            Assert.Fail($"{name}<{typeof(T).Name}>({first[i]:R}, {second[i]:R}) gave {y[i]:R} with the inputs at bytes {sizeof(T) * aAt} and {sizeof(T) * bAt} and the output at byte {sizeof(T) * outputAt} of a line, {reference[i]:R} with all at byte 0");
                }
        }
        finally
        {
            NativeMemory.AlignedFree(a);
            NativeMemory.AlignedFree(b);
            NativeMemory.AlignedFree(output);
        }
    }

    /// <summary>Bit-identical, or both NaN: a NaN's sign and payload follow the JIT's operand order, which tiering may change.</summary>
    private static bool SameBits<T>(T a, T b) where T : unmanaged, IFloatingPointIeee754<T> =>
        (T.IsNaN(a) && T.IsNaN(b)) || new ReadOnlySpan<byte>(&a, sizeof(T)).SequenceEqual(new ReadOnlySpan<byte>(&b, sizeof(T)));
}
