namespace Backprop;

/// <summary>The element type of a <see cref="Tensor"/>.</summary>
public enum DType
{
    /// <summary>32-bit IEEE float, the default: what training runs on.</summary>
    Float32,

    /// <summary>64-bit IEEE double: for gradient checks and for users who need the precision.</summary>
    Float64,

    /// <summary>
    /// 64-bit integers, for indices (class labels, <c>Argmax</c>, <c>Gather</c>). They take part in
    /// no arithmetic and never require grad.
    /// </summary>
    Int64,
}
