using GsdmCore.Backends;

namespace GsdmCore.TestSupport;

/// <summary>A tensor input and its float64 reference, built from the same values.</summary>
public sealed record Operand(Tensor Tensor, NdArray Reference, InputSpec Spec)
{
    /// <summary>Shape, view kind and the actual strides/offset, for failure messages.</summary>
    public string Describe() => $"{NdArray.Format(Reference.Shape)} {Spec.View} (strides {NdArray.Format(Tensor.Layout.Strides)}, offset {Tensor.Layout.Offset})";
}

/// <summary>
/// Everything needed to rebuild one random input: logical shape, memory layout, value domain and the seed
/// that fixes values, permutation, padding and broadcast axes. Printed in property counterexamples.
/// </summary>
public sealed record InputSpec(int[] Shape, ViewKind View, Domain Domain, int Seed)
{
    public Operand Make(DType dtype)
    {
        var rng = new Random(Seed);
        if (View == ViewKind.Broadcast && Shape.Length > 0)
        {
            var baseShape = BroadcastBase(rng);
            var baseValues = new NdArray(baseShape, Domain.Values(NdArray.ShapeCount(baseShape), rng, dtype));
            var tensor = TensorBuilder.FromValues(baseValues.Data, baseShape, dtype).Expand(Shape);
            return new Operand(tensor, baseValues.BroadcastTo(Shape), this);
        }
        var reference = new NdArray(Shape, Domain.Values(NdArray.ShapeCount(Shape), rng, dtype));
        var view = View == ViewKind.Broadcast ? ViewKind.Contiguous : View;
        return new Operand(TensorBuilder.Build(reference, view, rng, dtype), reference, this);
    }

    /// <summary>The stored shape: maybe a dropped leading axis, and at least one other axis cut to extent 1.</summary>
    private int[] BroadcastBase(Random rng)
    {
        int lead = Shape.Length > 1 ? rng.Next(2) : 0;
        var stored = Shape[lead..].ToArray();
        bool any = lead > 0;
        for (int a = 0; a < stored.Length; a++)
            if (rng.Next(2) == 0) { stored[a] = 1; any = true; }
        if (!any) stored[rng.Next(stored.Length)] = 1;
        return stored;
    }

    public override string ToString() => $"{NdArray.Format(Shape)} {View} {Domain} seed {Seed}";
}
