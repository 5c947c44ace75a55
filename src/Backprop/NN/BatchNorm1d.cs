namespace Backprop.NN;

/// <summary>
/// Batch normalisation over the batch dimension of [N, C] inputs, as PyTorch's
/// <c>nn.BatchNorm1d</c>: in training, normalise with the batch's mean and (biased) variance and
/// update the running statistics (with the unbiased variance) by <see cref="BatchNorm.Momentum"/>; in
/// evaluation, normalise with the running statistics. Buffers are named as in PyTorch:
/// <c>running_mean</c>, <c>running_var</c>, <c>num_batches_tracked</c>.
/// </summary>
public sealed class BatchNorm1d : BatchNorm
{
    /// <summary>Creates the layer: weight 1, bias 0, running mean 0, running variance 1.</summary>
    /// <param name="features">C, the features per example.</param>
    /// <param name="eps">Added to the variance.</param>
    /// <param name="momentum">Weight of the new batch in the running statistics.</param>
    /// <param name="dtype">The element type.</param>
    public BatchNorm1d(int features, double eps = 1e-5, double momentum = 0.1, DType dtype = DType.Float32)
        : base(features, eps, momentum, dtype)
    {
        Features = features;
    }

    /// <summary>Features per example.</summary>
    public int Features { get; }

    /// <inheritdoc/>
    protected override Tensor ForwardCore(Tensor input)
    {
        if (input.Rank != 2 || input.Shape[1] != Features)
            throw new ArgumentException($"BatchNorm1d({Features}): expected input [N,{Features}], got [{string.Join(",", input.Shape)}]");
        if (IsTraining)
        {
            int n = input.Shape[0];
            if (n < 2) throw new ArgumentException($"BatchNorm1d({Features}): training needs more than one example per batch, got {n}");
            Tensor result = input.BatchNormTraining(Weight, Bias, Eps, out Tensor mean, out Tensor variance);
            Track(mean, variance, n);
            return result;
        }
        return Normalized(input);
    }
}
