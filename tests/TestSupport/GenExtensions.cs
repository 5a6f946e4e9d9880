using FsCheck;
using FsCheck.Fluent;

namespace GsdmCore.TestSupport;

public static class GenExtensions
{
    /// <summary>One generator of arrays from an array of generators.</summary>
    public static Gen<T[]> Sequence<T>(this Gen<T>[] gens) => Gen.CollectToArray(gens);
}
