namespace Backprop.NN;

/// <summary>
/// What every batch normalisation layer shares, as PyTorch's <c>_BatchNorm</c>: the learned
/// scale and shift, the running statistics and how a training batch updates them (by
/// <see cref="Momentum"/>, with the unbiased variance), under PyTorch's names: <c>weight</c>,
/// <c>bias</c>, <c>running_mean</c>, <c>running_var</c>, <c>num_batches_tracked</c>. The layers
/// differ only in which dimensions a channel's statistics are taken over.
/// </summary>
public abstract class BatchNorm : Module
{
    private readonly Tensor _runningMean;
    private readonly Tensor _runningVar;
    private readonly Tensor _batchesTracked;

    /// <summary>Registers the parameters and buffers: weight 1, bias 0, running mean 0, running variance 1.</summary>
    /// <param name="channels">C, the channels (features) normalised separately.</param>
    /// <param name="eps">Added to the variance.</param>
    /// <param name="momentum">Weight of the new batch in the running statistics.</param>
    /// <param name="dtype">The element type.</param>
    private protected BatchNorm(int channels, double eps, double momentum, DType dtype)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        Eps = eps;
        Momentum = momentum;
        Weight = RegisterParameter("weight", new Parameter(Tensor.Ones([channels], dtype)));
        Bias = RegisterParameter("bias", new Parameter(Tensor.Zeros([channels], dtype)));
        _runningMean = RegisterBuffer("running_mean", Tensor.Zeros([channels], dtype));
        _runningVar = RegisterBuffer("running_var", Tensor.Ones([channels], dtype));
        _batchesTracked = RegisterBuffer("num_batches_tracked", Tensor.Zeros([], DType.Int64));
    }

    /// <summary>Added to the variance.</summary>
    public double Eps { get; }

    /// <summary>Weight of a new batch in the running statistics.</summary>
    public double Momentum { get; }

    /// <summary>The learned scale, [C].</summary>
    public Parameter Weight { get; }

    /// <summary>The learned shift, [C].</summary>
    public Parameter Bias { get; }

    /// <summary>The running mean, [C] (a buffer).</summary>
    public Tensor RunningMean => _runningMean;

    /// <summary>The running variance, [C] (a buffer).</summary>
    public Tensor RunningVar => _runningVar;

    /// <summary>How many training batches have updated the running statistics (a buffer).</summary>
    public long BatchesTracked => (long)_batchesTracked.Item();

    /// <summary>
    /// <paramref name="result"/>, the normalisation of <paramref name="input"/> with the running
    /// statistics, described to an active trace as one op (ONNX's BatchNormalization).
    /// </summary>
    private protected Tensor Evaluated(Tensor input, Tensor result) =>
        TensorGraph.Tracing
            ? TensorGraph.Describe(result, "BatchNorm", [input, Weight, Bias, _runningMean, _runningVar], new NormalizationAttributes(1, Eps))
            : result;

    /// <summary>
    /// The normalisation of <paramref name="input"/> ([N, C, …]) with the running statistics:
    /// one fused pass when nothing will be recorded (evaluation under NoGrad, the common case),
    /// else the composed formula, whose gradients (to the input, γ and β) autograd derives.
    /// Both give the same bits.
    /// </summary>
    private protected Tensor Normalized(Tensor input)
    {
        if (!TensorGraph.WillRecord(input, Weight, Bias))
            return input.BatchNormInference(_runningMean, _runningVar, Weight, Bias, Eps);
        int[] channelShape = [1, input.Shape[1], .. Enumerable.Repeat(1, input.Rank - 2)];
        Tensor mean = _runningMean.Reshape(channelShape), variance = _runningVar.Reshape(channelShape);
        return Evaluated(input, (input - mean) / (variance + Eps).Sqrt() * Weight.Reshape(channelShape) + Bias.Reshape(channelShape));
    }

    /// <summary>
    /// Moves the running statistics towards a training batch's: the mean as it is, the biased
    /// variance made unbiased (× n / (n − 1)), and counts the batch. Not recorded for backward.
    /// </summary>
    /// <param name="mean">The batch's mean per channel, [C].</param>
    /// <param name="variance">The batch's biased variance per channel, [C].</param>
    /// <param name="n">How many values each channel's statistics were taken over (at least 2).</param>
    private protected void Track(Tensor mean, Tensor variance, int n)
    {
        using (Autograd.NoGrad())
        {
            _runningMean.MulInPlace(1 - Momentum).AddInPlace(mean.Detach(), Momentum);
            _runningVar.MulInPlace(1 - Momentum).AddInPlace(variance.Detach() * ((double)n / (n - 1)), Momentum);
            _batchesTracked.CopyFrom(Tensor.FromArray(new[] { (long)_batchesTracked.Item() + 1 }).Reshape());
        }
    }
}
