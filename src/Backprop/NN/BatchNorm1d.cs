namespace Backprop.NN;

/// <summary>
/// Batch normalisation over the batch dimension of [N, C] inputs, as PyTorch's
/// <c>nn.BatchNorm1d</c>: in training, normalise with the batch's mean and (biased) variance and
/// update the running statistics (with the unbiased variance) by <see cref="Momentum"/>; in
/// evaluation, normalise with the running statistics. Buffers are named as in PyTorch:
/// <c>running_mean</c>, <c>running_var</c>, <c>num_batches_tracked</c>.
/// </summary>
public sealed class BatchNorm1d : Module
{
    private readonly Tensor _runningMean;
    private readonly Tensor _runningVar;
    private readonly Tensor _batchesTracked;

    /// <summary>Creates the layer.</summary>
    /// <param name="features">C, the features per example.</param>
    /// <param name="eps">Added to the variance.</param>
    /// <param name="momentum">Weight of the new batch in the running statistics.</param>
    /// <param name="dtype">The element type.</param>
    public BatchNorm1d(int features, double eps = 1e-5, double momentum = 0.1, DType dtype = DType.Float32)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        Features = features;
        Eps = eps;
        Momentum = momentum;
        Weight = RegisterParameter("weight", new Parameter(Tensor.Ones([features], dtype)));
        Bias = RegisterParameter("bias", new Parameter(Tensor.Zeros([features], dtype)));
        _runningMean = RegisterBuffer("running_mean", Tensor.Zeros([features], dtype));
        _runningVar = RegisterBuffer("running_var", Tensor.Ones([features], dtype));
        _batchesTracked = RegisterBuffer("num_batches_tracked", Tensor.Zeros([], DType.Int64));
    }

    /// <summary>Features per example.</summary>
    public int Features { get; }

    /// <summary>Added to the variance.</summary>
    public double Eps { get; }

    /// <summary>Weight of a new batch in the running statistics.</summary>
    public double Momentum { get; }

    /// <summary>The learned scale.</summary>
    public Parameter Weight { get; }

    /// <summary>The learned shift.</summary>
    public Parameter Bias { get; }

    /// <summary>The running mean (a buffer).</summary>
    public Tensor RunningMean => _runningMean;

    /// <summary>The running variance (a buffer).</summary>
    public Tensor RunningVar => _runningVar;

    /// <inheritdoc/>
    protected override Tensor ForwardCore(Tensor input)
    {
        if (input.Rank != 2 || input.Shape[1] != Features)
            throw new ArgumentException($"BatchNorm1d({Features}): expected input [N,{Features}], got [{string.Join(",", input.Shape)}]");
        Tensor mean, variance;
        if (IsTraining)
        {
            int n = input.Shape[0];
            if (n < 2) throw new ArgumentException($"BatchNorm1d({Features}): training needs more than one example per batch, got {n}");
            mean = input.Mean(0);
            variance = input.Var([0], unbiased: false);
            using (Autograd.NoGrad())
            {
                _runningMean.MulInPlace(1 - Momentum).AddInPlace(mean.Detach(), Momentum);
                _runningVar.MulInPlace(1 - Momentum).AddInPlace(variance.Detach() * ((double)n / (n - 1)), Momentum);
                _batchesTracked.CopyFrom(Tensor.FromArray(new[] { (long)_batchesTracked.Item() + 1 }).Reshape());
            }
        }
        else
        {
            mean = _runningMean;
            variance = _runningVar;
        }
        return (input - mean) / (variance + Eps).Sqrt() * Weight + Bias;
    }
}
