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

    /// <summary>
    /// true or false, one byte each: masks, and what comparisons (<c>Gt</c>, <c>Eq</c>, …) return,
    /// as PyTorch's <c>torch.bool</c>. Arithmetic with a floating-point tensor treats them as 1 and
    /// 0 (<c>x * x.Gt(0)</c>); <c>Sum</c> counts the true ones (as an Int64). They never require grad.
    /// </summary>
    Bool,
}
