using GsdmCore.Backends;

namespace GsdmCore.Nn;

/// <summary>
/// Base of every layer: owns named parameters and named child modules, registered explicitly in the
/// constructor (no reflection). Hierarchical names join the path with dots: <c>blocks.3.attn.q.weight</c>.
/// </summary>
public abstract class Module
{
    private readonly List<(string Name, Tensor Tensor)> _parameters = [];
    private readonly List<(string Name, Module Module)> _children = [];
    // Registrations anywhere since start: a cached parameter list is valid while this count is unchanged (a child
    // registered into, or below, a module after its list was made invalidates it too).
    private static int _registrations;
    private System.Collections.ObjectModel.ReadOnlyCollection<Tensor>? _parameterList;
    private int _parameterListVersion = -1;

    /// <summary>True in training mode (the default), false after <see cref="Eval"/>.</summary>
    public bool Training { get; private set; } = true;

    /// <summary>Registers a leaf tensor as a trainable parameter under <paramref name="name"/> and returns it.</summary>
    protected Tensor RegisterParameter(string name, Tensor parameter)
    {
        CheckName(name);
        if (!parameter.IsLeaf)
            throw new ArgumentException($"parameter '{name}' must be a leaf tensor (not produced by a recorded op); call Detach() first.", nameof(parameter));
        if (!parameter.IsContiguous)
            parameter = parameter.Detach().Contiguous();
        parameter.RequiresGrad = true;
        TensorScope.Persist(parameter);
        _parameters.Add((name, parameter));
        Interlocked.Increment(ref _registrations);
        return parameter;
    }

    /// <summary>Registers <paramref name="child"/> under <paramref name="name"/> and returns it.</summary>
    protected T RegisterModule<T>(string name, T child) where T : Module
    {
        CheckName(name);
        if (ReferenceEquals(child, this)) throw new ArgumentException("a module cannot contain itself.", nameof(child));
        _children.Add((name, child));
        Interlocked.Increment(ref _registrations);
        return child;
    }

    private void CheckName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.'))
            throw new ArgumentException($"'{name}' is not a valid member name: it must be non-empty and contain no '.'.", nameof(name));
        if (_parameters.Any(p => p.Name == name) || _children.Any(c => c.Name == name))
            throw new ArgumentException($"'{name}' is already registered on {GetType().Name}.", nameof(name));
    }

    /// <summary>Direct children with their names, in registration order.</summary>
    public IEnumerable<(string Name, Module Module)> NamedChildren() => _children;

    /// <summary>Every parameter of this module and its descendants with its dotted name, in registration order (depth first).</summary>
    public IEnumerable<(string Name, Tensor Parameter)> NamedParameters(string prefix = "")
    {
        foreach (var (name, p) in _parameters) yield return (prefix + name, p);
        foreach (var (name, child) in _children)
            foreach (var item in child.NamedParameters(prefix + name + "."))
                yield return item;
    }

    /// <summary>Every parameter of this module and its descendants.</summary>
    /// <remarks>
    /// The list is made once and reused while no module registers anything new, so a training loop that passes it to
    /// clipping or an optimiser every step allocates nothing for it.
    /// </remarks>
    public IReadOnlyList<Tensor> Parameters()
    {
        int version = Volatile.Read(ref _registrations);
        if (_parameterList is null || _parameterListVersion != version)
        {
            _parameterList = NamedParameters().Select(p => p.Parameter).ToList().AsReadOnly();
            _parameterListVersion = version;
        }
        return _parameterList;
    }

    /// <summary>Total number of scalar parameters.</summary>
    public long ParameterCount() => Parameters().Sum(p => (long)p.Count);

    /// <summary>Sets training mode on this module and all descendants; returns this.</summary>
    public Module Train(bool training = true)
    {
        Training = training;
        foreach (var (_, child) in _children) child.Train(training);
        return this;
    }

    /// <summary>Sets evaluation mode (<c>Train(false)</c>); returns this.</summary>
    public Module Eval() => Train(false);

    /// <summary>
    /// Moves every parameter of this module and its descendants to <paramref name="device"/> in place (the same tensor
    /// objects, so names and layer fields stay valid; gradients are dropped) and returns this. Create optimisers and
    /// EMAs after moving: they keep their state on the parameters' device.
    /// </summary>
    public Module To(Device device)
    {
        foreach (var p in Parameters()) p.MoveTo(device);
        return this;
    }

    /// <summary>Clears every parameter's gradient (sets <see cref="Tensor.Grad"/> to null).</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters()) p.Grad = null;
    }

    /// <summary>Copies every parameter into a dictionary keyed by its dotted name (copies, not views).</summary>
    public Dictionary<string, Tensor> StateDict()
    {
        var result = new Dictionary<string, Tensor>();
        using (GradMode.Disable())
            foreach (var (name, p) in NamedParameters()) result[name] = p.Detach().Clone();
        return result;
    }

    /// <summary>
    /// Copies tensors by dotted name into the parameters, in place. Every parameter must be present with its
    /// exact shape; the dtype is converted when it differs. Unknown names are an error when <paramref name="strict"/>.
    /// </summary>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> state, bool strict = true)
    {
        var named = NamedParameters().ToList();
        foreach (var (name, p) in named)
        {
            if (!state.TryGetValue(name, out var source))
                throw new CheckpointException(name, $"parameter '{name}' is missing from the state being loaded.");
            if (!source.Shape.AsSpan().SequenceEqual(p.Shape))
                throw new CheckpointException(name, $"parameter '{name}' has shape {Layout.Format(p.Shape)} but the state holds {Layout.Format(source.Shape)}.");
        }
        if (strict)
        {
            var known = named.Select(n => n.Name).ToHashSet();
            var extra = state.Keys.Where(k => !known.Contains(k)).ToList();
            if (extra.Count > 0)
                throw new CheckpointException(extra[0], $"the state holds '{extra[0]}', which is not a parameter of {GetType().Name} (pass strict: false to ignore).");
        }
        using (GradMode.Disable())
            foreach (var (name, p) in named) p.CopyFrom(state[name].To(p.Device).To(p.DType));
    }

    /// <summary>Writes every parameter to a safetensors file at <paramref name="path"/> (atomically; device parameters are downloaded).</summary>
    public void Save(string path, IReadOnlyDictionary<string, string>? metadata = null) =>
        SafeTensors.Save(path, NamedParameters().ToDictionary(p => p.Name, p => p.Parameter), metadata);

    /// <summary>Loads every parameter by dotted name from the safetensors file at <paramref name="path"/> (uploaded to each parameter's device).</summary>
    public void Load(string path, bool strict = true) => LoadStateDict(SafeTensors.Load(path).Tensors, strict);
}
