using System.Reflection;
using ILGPU;

namespace GsdmCore.Backends.Cuda;

/// <summary>
/// The compiled kernels of one backend, loaded on first use and kept for the process: each (kernel, type
/// arguments) pair is compiled once. Records what it compiled so a test can recompile the very same set
/// for another target (PTX) without a GPU.
/// </summary>
internal sealed class KernelCache
{
    private readonly Dictionary<MethodInfo, Delegate> _loaded = new();
    private readonly object _gate = new();

    /// <summary>The launcher of <paramref name="kernel"/>, loading it with <paramref name="load"/> the first time.</summary>
    public TLauncher Get<TLauncher>(Delegate kernel, Func<TLauncher> load) where TLauncher : Delegate
    {
        lock (_gate)
        {
            if (_loaded.TryGetValue(kernel.Method, out var launcher)) return (TLauncher)launcher;
            var loaded = load();
            _loaded[kernel.Method] = loaded;
            return loaded;
        }
    }

    /// <summary>Every kernel compiled so far, and whether it is explicitly grouped (no <see cref="Index1D"/> parameter).</summary>
    public IReadOnlyList<(MethodInfo Method, bool ExplicitlyGrouped)> Compiled
    {
        get
        {
            lock (_gate)
            {
                var list = new List<(MethodInfo, bool)>(_loaded.Count);
                foreach (var method in _loaded.Keys)
                {
                    var ps = method.GetParameters();
                    list.Add((method, ps.Length == 0 || ps[0].ParameterType != typeof(Index1D)));
                }
                return list;
            }
        }
    }
}
