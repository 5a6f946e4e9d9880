namespace GsdmCore;

/// <summary>Base of every error GsdmCore raises about tensors: the message names the op and the fix.</summary>
public class TensorException : Exception
{
    /// <summary>The op that refused its input ("add", "matmul", ...).</summary>
    public string Op { get; }

    /// <summary>Creates the exception; the message is prefixed with the op name.</summary>
    public TensorException(string op, string message) : base($"{op}: {message}") => Op = op;
}

/// <summary>Shapes that do not fit together (broadcast, matmul, concat, reshape, ...).</summary>
public sealed class TensorShapeException : TensorException
{
    /// <summary>Creates the exception.</summary>
    public TensorShapeException(string op, string message) : base(op, message) { }
}

/// <summary>An element type the op does not take, or two that do not match.</summary>
public sealed class TensorDTypeException : TensorException
{
    /// <summary>Creates the exception.</summary>
    public TensorDTypeException(string op, string message) : base(op, message) { }
}

/// <summary>An index value outside its axis.</summary>
public sealed class TensorIndexException : TensorException
{
    /// <summary>Creates the exception.</summary>
    public TensorIndexException(string op, string message) : base(op, message) { }
}

/// <summary>Tensors on different devices, or an op the device does not have.</summary>
public sealed class TensorDeviceException : TensorException
{
    /// <summary>Creates the exception.</summary>
    public TensorDeviceException(string op, string message) : base(op, message) { }
}

/// <summary>Misuse of autograd (backward of a non-scalar without a seed, a tensor that needs no gradient...).</summary>
public sealed class AutogradException : TensorException
{
    /// <summary>Creates the exception.</summary>
    public AutogradException(string op, string message) : base(op, message) { }
}

/// <summary>
/// A step that cannot be captured for replay (<c>CapturedStep</c>): it reads device values on the host, draws random
/// numbers, uploads host data or runs an optimiser inside the step, whose replay would repeat the capture-time values.
/// </summary>
public sealed class CaptureException : TensorException
{
    /// <summary>Creates the exception.</summary>
    public CaptureException(string op, string message) : base(op, message) { }
}
