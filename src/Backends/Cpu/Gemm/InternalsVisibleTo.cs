using System.Runtime.CompilerServices;

// The GEMM tests pin each kernel family through the internal overloads of Gemm.
[assembly: InternalsVisibleTo("GsdmCore.Backends.Cpu.Tests")]
