namespace Backprop.NN;

/// <summary>
/// Merges dimensions <see cref="StartDim"/> to <see cref="EndDim"/> into one, as PyTorch's
/// <c>nn.Flatten</c> (by default everything but the batch: [N, C, H, W] to [N, C·H·W]).
/// </summary>
/// <param name="startDim">The first dimension to merge.</param>
/// <param name="endDim">The last dimension to merge.</param>
public sealed class Flatten(int startDim = 1, int endDim = -1) : Module
{
    /// <summary>The first dimension merged.</summary>
    public int StartDim { get; } = startDim;

    /// <summary>The last dimension merged.</summary>
    public int EndDim { get; } = endDim;

    /// <inheritdoc/>
    protected override Tensor ForwardCore(Tensor input) => input.Flatten(StartDim, EndDim);
}

/// <summary>Splits one dimension into several, as PyTorch's <c>nn.Unflatten</c>: the inverse of <see cref="Flatten"/>.</summary>
/// <param name="dim">The dimension to split.</param>
/// <param name="sizes">Its new sizes (one may be -1).</param>
public sealed class Unflatten(int dim, params int[] sizes) : Module
{
    private readonly int[] _sizes = (int[])(sizes ?? throw new ArgumentNullException(nameof(sizes))).Clone();

    /// <summary>The dimension split.</summary>
    public int Dim { get; } = dim;

    /// <summary>Its new sizes.</summary>
    public IReadOnlyList<int> Sizes => _sizes;

    /// <inheritdoc/>
    protected override Tensor ForwardCore(Tensor input) => input.Unflatten(Dim, _sizes);
}
