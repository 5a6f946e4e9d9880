using FsCheck;
using FsCheck.Fluent;

namespace GsdmCore.TensorTests;

public class JoinSplitTests
{
    public static TheoryData<DType, ViewKind> Cases() => OpCheck.DTypeByView();

    private static int Normalize(int axis, int rank) => axis < 0 ? axis + rank : axis;

    /// <summary>One to three parts that differ only along the axis (extents 0..4 there); the first part has the theory's view.</summary>
    [Theory, MemberData(nameof(Cases))]
    public void Concat_matches_the_reference(DType dtype, ViewKind view)
    {
        var cases = from shape in Gens.Shape(1, 4, allowZero: true)
                    from axis in Gens.Axis(shape.Length)
                    from lengths in Gen.Choose(1, 3).SelectMany(k => Gen.ArrayOf(Gen.Choose(0, 4), k))
                    let shapes = lengths.Select(len => shape.Select((d, i) => i == Normalize(axis, shape.Length) ? len : d).ToArray()).ToArray()
                    from parts in shapes.Select((s, i) => Gens.Spec(s, Domain.Any, i == 0 ? Gen.Constant(view) : null)).ToArray().Sequence()
                    select (parts, axis);
        Properties.Check($"concat/{dtype}/{view}", cases, c =>
        {
            var parts = c.parts.Select(p => p.Make(dtype)).ToArray();
            var what = OpCheck.Describe($"concat(axis {c.axis})", dtype, parts);
            var expected = NdArray.Concat(parts.Select(p => p.Reference).ToArray(), Normalize(c.axis, parts[0].Reference.Rank));
            TensorAssert.Close(expected, Tensor.Concat(parts.Select(p => p.Tensor).ToArray(), c.axis), Tolerance.Exact, what, dtype);
        });
    }

    [Theory, MemberData(nameof(Cases))]
    public void Stack_matches_the_reference(DType dtype, ViewKind view)
    {
        var cases = from shape in Gens.Shape(0, 3, allowZero: true)
                    from axis in Gens.Axis(shape.Length + 1)
                    from count in Gen.Choose(1, 3)
                    from parts in Enumerable.Range(0, count).Select(i => Gens.Spec(shape, Domain.Any, i == 0 ? Gen.Constant(view) : null)).ToArray().Sequence()
                    select (parts, axis);
        Properties.Check($"stack/{dtype}/{view}", cases, c =>
        {
            var parts = c.parts.Select(p => p.Make(dtype)).ToArray();
            int a = Normalize(c.axis, parts[0].Reference.Rank + 1);
            var what = OpCheck.Describe($"stack(axis {c.axis})", dtype, parts);
            var expected = NdArray.Concat(parts.Select(p => p.Reference.Unsqueeze(a)).ToArray(), a);
            TensorAssert.Close(expected, Tensor.Stack(parts.Select(p => p.Tensor).ToArray(), c.axis), Tolerance.Exact, what, dtype);
        });
    }

    /// <summary>Split returns views: each piece shares the source's buffer and holds the right slice.</summary>
    [Theory, MemberData(nameof(Cases))]
    public void Split_gives_views_of_consecutive_pieces(DType dtype, ViewKind view)
    {
        var cases = from shape in Gens.Shape(1, 4)
                    from axis in Gens.Axis(shape.Length)
                    from chunk in Gen.Choose(1, 4)
                    from x in Gens.Spec(shape, Domain.Any, Gen.Constant(view))
                    select (x, axis, chunk);
        Properties.Check($"split/{dtype}/{view}", cases, c =>
        {
            var x = c.x.Make(dtype);
            int a = Normalize(c.axis, x.Reference.Rank);
            var pieces = x.Tensor.Split(c.chunk, c.axis);
            int at = 0;
            foreach (var piece in pieces)
            {
                int len = piece.Dim(a);
                Assert.True(len == Math.Min(c.chunk, x.Reference.Shape[a] - at), $"piece at {at} has length {len}");
                Assert.Same(x.Tensor.Buffer, piece.Buffer);
                TensorAssert.Close(x.Reference.Narrow(a, at, len), piece, Tolerance.Exact, OpCheck.Describe($"split({c.chunk}, axis {c.axis}) piece at {at}", dtype, x));
                at += len;
            }
            Assert.Equal(x.Reference.Shape[a], at);
        });
    }
}
