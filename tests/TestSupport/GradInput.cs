using FsCheck;
using FsCheck.Fluent;
using GsdmCore.Backends;

namespace GsdmCore.TestSupport;

/// <summary>
/// One input of a gradient check: an F64 leaf of the recipe's storage shape, seen by the op through the
/// recipe's views as a tensor of <see cref="Shape"/>.
/// </summary>
public sealed record GradInput(int[] Shape, ViewKind View, Domain Domain, int Seed)
{
    public ViewRecipe Recipe => ViewRecipe.For(Shape, View, Seed);

    /// <summary>The leaf; padding and broadcast storage hold domain values too (their gradient must come out right).</summary>
    public Tensor Leaf()
    {
        var storage = Recipe.StorageShape;
        var values = Domain.Values(NdArray.ShapeCount(storage), new Random(Seed ^ 0x5EED), DType.F64);
        return Tensor.FromArray(values, storage);
    }

    public static Gen<GradInput> Gen(int[] shape, Domain domain, ViewKind view) =>
        Gens.Seed.Select(seed => new GradInput(shape, view, domain, seed));

    public override string ToString() => $"{Recipe} {Domain} seed {Seed}";
}
