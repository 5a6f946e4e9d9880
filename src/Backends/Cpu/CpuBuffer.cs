using System.Runtime.CompilerServices;

namespace GsdmCore.Backends.Cpu;

/// <summary>Host memory for one tensor storage: a managed array of the dtype's CLR type.</summary>
public sealed class CpuBuffer : IBuffer
{
    /// <summary>The elements (float[], double[] or int[]).</summary>
    public Array Data { get; }
    /// <inheritdoc />
    public DType DType { get; }
    /// <inheritdoc />
    public int Length { get; }
    /// <inheritdoc />
    public Backend Backend => CpuBackend.Instance;

    internal CpuBuffer(DType dtype, int length)
    {
        DType = dtype;
        Length = length;
        Data = dtype switch
        {
            DType.F32 => GC.AllocateUninitializedArray<float>(length),
            DType.F64 => GC.AllocateUninitializedArray<double>(length),
            DType.I32 => GC.AllocateUninitializedArray<int>(length),
            _ => throw new ArgumentOutOfRangeException(nameof(dtype)),
        };
    }

    /// <summary>The elements as <typeparamref name="T"/>[]; T must match <see cref="DType"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T[] As<T>() where T : unmanaged => (T[])Data;

    /// <summary>Managed memory needs no release; present for the device-neutral contract.</summary>
    public void Dispose() { }
}
