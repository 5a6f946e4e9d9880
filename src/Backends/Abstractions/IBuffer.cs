namespace GsdmCore.Backends;

/// <summary>A block of elements owned by one backend. Disposing it returns the memory at once.</summary>
public interface IBuffer : IDisposable
{
    /// <summary>Element type.</summary>
    DType DType { get; }
    /// <summary>Number of elements.</summary>
    int Length { get; }
    /// <summary>The backend that owns the memory.</summary>
    Backend Backend { get; }
}
