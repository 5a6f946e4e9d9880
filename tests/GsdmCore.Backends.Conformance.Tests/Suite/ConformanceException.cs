namespace GsdmCore.Backends.Conformance;

/// <summary>A backend disagreed with its reference; the message says where and by how much.</summary>
public sealed class ConformanceException : Exception
{
    public ConformanceException(string message) : base(message) { }
}
