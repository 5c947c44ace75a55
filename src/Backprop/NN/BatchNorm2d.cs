namespace Backprop.NN;

/// <summary>
/// Batch normalisation of each channel of [N, C, H, W] inputs, as PyTorch's
/// <c>nn.BatchNorm2d</c>: in training, normalise with the mean and (biased) variance over the
/// batch and both spatial dimensions, and update the running statistics (with the unbiased
/// variance) by <see cref="BatchNorm.Momentum"/>; in evaluation, normalise with the running statistics.
/// Parameters <c>weight</c>, <c>bias</c> and buffers <c>running_mean</c>, <c>running_var</c>,
/// <c>num_batches_tracked</c> are named as in PyTorch.
/// </summary>
/// <remarks>Training runs one fused op (<see cref="Tensor.BatchNormTraining"/>), whose backward pass is differentiable too, so gradients of gradients work through it.</remarks>
public sealed class BatchNorm2d : BatchNorm
{
    /// <summary>Creates the layer: weight 1, bias 0, running mean 0, running variance 1.</summary>
    /// <param name="channels">C, the channels of the input.</param>
    /// <param name="eps">Added to the variance.</param>
    /// <param name="momentum">Weight of the new batch in the running statistics.</param>
    /// <param name="dtype">The element type.</param>
    public BatchNorm2d(int channels, double eps = 1e-5, double momentum = 0.1, DType dtype = DType.Float32)
        : base(channels, eps, momentum, dtype)
    {
        Channels = channels;
    }

    /// <summary>Channels of the input.</summary>
    public int Channels { get; }

    /// <inheritdoc/>
    protected override Tensor ForwardCore(Tensor input)
    {
        if (input.Rank != 4 || input.Shape[1] != Channels)
            throw new ArgumentException($"BatchNorm2d({Channels}): expected input [N,{Channels},H,W], got [{string.Join(",", input.Shape)}]");
        if (!IsTraining) return Normalized(input);
        int n = input.Shape[0] * input.Shape[2] * input.Shape[3];
        if (n < 2) throw new ArgumentException($"BatchNorm2d({Channels}): training needs more than one value per channel, got input [{string.Join(",", input.Shape)}]");
        Tensor result = input.BatchNormTraining(Weight, Bias, Eps, out Tensor mean, out Tensor variance);
        Track(mean, variance, n);
        return result;
    }
}
