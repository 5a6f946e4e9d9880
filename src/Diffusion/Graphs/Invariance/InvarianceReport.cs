using System.Text;

namespace GsdmCore.Diffusion;

/// <summary>
/// The Theorem 3.1 report of one compiled graph under one embedding variant: a row per permutation and a verdict
/// per group (plate). A group is invariant when all its generators are; <see cref="ToString"/> prints the table.
/// </summary>
public sealed class InvarianceReport
{
    /// <summary>The model's name.</summary>
    public string Model { get; }

    /// <summary>The embedding variant checked.</summary>
    public EmbeddingVariant Variant { get; }

    /// <summary>One row per permutation, in the order checked.</summary>
    public IReadOnlyList<InvarianceRow> Rows { get; }

    /// <summary>The groups (plate indices, "custom"), in order of first appearance.</summary>
    public IReadOnlyList<string> Groups => Rows.Select(r => r.Group).Distinct().ToArray();

    internal InvarianceReport(string model, EmbeddingVariant variant, IReadOnlyList<InvarianceRow> rows)
    {
        Model = model;
        Variant = variant;
        Rows = rows;
    }

    /// <summary>Every permutation checked is an invariance.</summary>
    public bool AllInvariant => Rows.All(r => r.Invariant);

    /// <summary>Every permutation of <paramref name="group"/> (e.g. a plate index) is an invariance.</summary>
    /// <exception cref="ArgumentException">The report has no row in that group.</exception>
    public bool IsInvariant(string group)
    {
        var rows = Rows.Where(r => r.Group == group).ToArray();
        if (rows.Length == 0) throw new ArgumentException($"the report has no permutation in group '{group}'; groups are [{string.Join(", ", Groups)}].", nameof(group));
        return rows.All(r => r.Invariant);
    }

    /// <summary>The row of the permutation called <paramref name="permutation"/>.</summary>
    public InvarianceRow Row(string permutation) =>
        Rows.FirstOrDefault(r => r.Permutation == permutation)
        ?? throw new ArgumentException($"the report has no permutation '{permutation}'.", nameof(permutation));

    /// <summary>The table: one line per permutation, then one verdict per group.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.AppendLine($"Theorem 3.1 invariance report: model '{Model}', {Variant} embeddings");
        int w = Math.Max(11, Rows.Select(r => r.Permutation.Length).DefaultIfEmpty(0).Max());
        int g = Math.Max(5, Rows.Select(r => r.Group.Length).DefaultIfEmpty(0).Max());
        sb.AppendLine($"{"group".PadRight(g)}  {"permutation".PadRight(w)}  M=piM  emb-shared  types  invariant  detail");
        foreach (var r in Rows)
            sb.AppendLine($"{r.Group.PadRight(g)}  {r.Permutation.PadRight(w)}  {YesNo(r.MaskPreserved),-5}  {YesNo(r.EmbeddingsShared),-10}  {YesNo(r.TypesPreserved),-5}  {YesNo(r.Invariant),-9}  {r.Detail}");
        foreach (var group in Groups)
        {
            int n = Rows.Count(r => r.Group == group);
            sb.AppendLine($"{group}: {(IsInvariant(group) ? "INVARIANT" : "not invariant")} ({n} permutation{(n == 1 ? "" : "s")} checked)");
        }
        return sb.ToString().TrimEnd();
    }

    private static string YesNo(bool b) => b ? "yes" : "no";
}
