namespace GsdmCore.TensorTests;

/// <summary>Shared pieces of the op-versus-reference properties.</summary>
internal static class OpCheck
{
    public static readonly DType[] FloatTypes = [DType.F32, DType.F64];

    /// <summary>Theory rows: every name crossed with both float types and every view kind.</summary>
    public static TheoryData<string, DType, ViewKind> Matrix(IEnumerable<string> names)
    {
        var data = new TheoryData<string, DType, ViewKind>();
        foreach (var name in names)
            foreach (var dtype in FloatTypes)
                foreach (var view in Gens.AllViews)
                    data.Add(name, dtype, view);
        return data;
    }

    /// <summary>Theory rows: both float types crossed with every view kind.</summary>
    public static TheoryData<DType, ViewKind> DTypeByView()
    {
        var data = new TheoryData<DType, ViewKind>();
        foreach (var dtype in FloatTypes)
            foreach (var view in Gens.AllViews)
                data.Add(dtype, view);
        return data;
    }

    public static string Describe(string op, DType dtype, params Operand[] inputs) =>
        $"{op} {dtype} on " + string.Join(" and ", inputs.Select(i => i.Describe()));

    /// <summary>Ops return new tensors; none may write into its inputs.</summary>
    public static void InputsUnchanged(string what, params Operand[] inputs)
    {
        foreach (var input in inputs)
            TensorAssert.Close(input.Reference, input.Tensor, Tolerance.Exact, what + ": the op modified an input");
    }
}
