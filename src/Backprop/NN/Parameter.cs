namespace Backprop.NN;

/// <summary>
/// A tensor that is a learnable parameter of a <see cref="Module"/>: a leaf that requires grad
/// (unless told otherwise), found by <see cref="Module.Parameters"/> and updated by optimizers.
/// </summary>
public sealed class Parameter : Tensor
{
    /// <summary>Makes a parameter holding <paramref name="data"/>'s elements (shared, not copied).</summary>
    /// <param name="data">The initial values; its graph, if any, is not kept.</param>
    /// <param name="requiresGrad">Whether optimizers should train it.</param>
    public Parameter(Tensor data, bool requiresGrad = true) : base(data.Contiguous().Detach())
    {
        RequiresGrad = requiresGrad;
        KeepBeyondScopes(); // a parameter outlives any step it is made or used in
    }
}
