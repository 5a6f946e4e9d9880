namespace GsdmCore.TestSupport;

/// <summary>
/// How to turn a contiguous leaf of <see cref="StorageShape"/> into a view of a logical shape, with engine view
/// ops. Gradient checks perturb the leaf, so gradients must flow back through the views to the right elements.
/// </summary>
public sealed record ViewRecipe(int[] Shape, ViewKind View, int[] StorageShape, Func<Tensor, Tensor> Apply)
{
    /// <summary>A recipe for <paramref name="shape"/>; permutation, padding and broadcast axes come from <paramref name="seed"/>.</summary>
    public static ViewRecipe For(int[] shape, ViewKind view, int seed)
    {
        var rng = new Random(seed);
        switch (view)
        {
            case ViewKind.Contiguous: return new(shape, view, shape, t => t);
            case ViewKind.Transposed:
            {
                var perm = TensorBuilder.Permutation(shape.Length, rng);
                var inverse = TensorBuilder.Inverse(perm);
                return new(shape, view, perm.Select(a => shape[a]).ToArray(), t => t.Permute(inverse));
            }
            case ViewKind.Narrowed: return Narrowed(shape, view, rng);
            case ViewKind.TransposedNarrowed:
            {
                var perm = TensorBuilder.Permutation(shape.Length, rng);
                var inner = Narrowed(perm.Select(a => shape[a]).ToArray(), view, rng);
                var inverse = TensorBuilder.Inverse(perm);
                return new(shape, view, inner.StorageShape, t => inner.Apply(t).Permute(inverse));
            }
            case ViewKind.Broadcast:
            {
                if (shape.Length == 0) return new(shape, view, shape, t => t);
                int lead = shape.Length > 1 ? rng.Next(2) : 0;
                var stored = shape[lead..].ToArray();
                bool any = lead > 0;
                for (int a = 0; a < stored.Length; a++)
                    if (rng.Next(2) == 0) { stored[a] = 1; any = true; }
                if (!any) stored[rng.Next(stored.Length)] = 1;
                return new(shape, view, stored, t => t.Expand(shape));
            }
            default: throw new ArgumentOutOfRangeException(nameof(view));
        }
    }

    /// <summary>Storage [2, d0 + pad, ...]: select slice 1, then narrow each axis past its leading pad.</summary>
    private static ViewRecipe Narrowed(int[] shape, ViewKind view, Random rng)
    {
        var before = shape.Select(_ => rng.Next(2)).ToArray();
        var after = shape.Select(_ => rng.Next(2)).ToArray();
        int[] storage = [2, .. shape.Select((d, a) => d + before[a] + after[a])];
        return new(shape, view, storage, t =>
        {
            var v = t.Select(0, 1);
            for (int a = 0; a < shape.Length; a++) v = v.Narrow(a, before[a], shape[a]);
            return v;
        });
    }

    public override string ToString() => $"{NdArray.Format(Shape)} {View} (leaf {NdArray.Format(StorageShape)})";
}
