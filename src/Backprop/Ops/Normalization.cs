using Backprop.Kernels;
namespace Backprop;

public partial class Tensor
{
    /// <summary>
    /// Layer normalisation over the last <paramref name="normalizedDims"/> dimensions:
    /// (x - mean) / √(var + ε), with the biased variance, then scaled by
    /// <paramref name="weight"/> and shifted by <paramref name="bias"/> when given (each shaped
    /// like those dimensions).
    /// </summary>
    /// <param name="normalizedDims">How many trailing dimensions to normalise over (≥ 1).</param>
    /// <param name="weight">Optional scale.</param>
    /// <param name="bias">Optional shift.</param>
    /// <param name="eps">Added to the variance for stability.</param>
    public Tensor LayerNorm(int normalizedDims = 1, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
    {
        if (normalizedDims < 1 || normalizedDims > Rank)
            throw new ArgumentOutOfRangeException(nameof(normalizedDims), $"LayerNorm: cannot normalise over {normalizedDims} dimensions of a tensor of rank {Rank}");
        int[] dims = Enumerable.Range(Rank - normalizedDims, normalizedDims).ToArray();
        Tensor centred = this - Mean(dims, keepDim: true);
        Tensor variance = (centred * centred).Mean(dims, keepDim: true);
        Tensor result = centred / (variance + eps).Sqrt();
        if (weight is not null) result *= weight;
        if (bias is not null) result += bias;
        if (!TensorGraph.Tracing) return result;
        // Described as one op (ONNX's LayerNormalization), with the identity scale and shift made explicit.
        int[] normalized = _shape[^normalizedDims..];
        return TensorGraph.Describe(result, "LayerNorm", [this, weight ?? Ones(normalized, DType), bias ?? Zeros(normalized, DType)],
            new NormalizationAttributes(-normalizedDims, eps));
    }

    /// <summary>
    /// Batch normalisation with this batch's statistics (training mode), over dimension 1 of a
    /// [N, C] or [N, C, …] tensor: each channel's values across the batch and the trailing
    /// dimensions become (x - mean) / √(var + ε) (biased variance), times
    /// <paramref name="weight"/> and plus <paramref name="bias"/> ([C] each) when given. One fused
    /// op (<see cref="BatchNormKernel"/>) whose backward is the closed form; when the backward
    /// pass is itself recorded, that closed form is written in differentiable ops, so second
    /// derivatives work.
    /// </summary>
    /// <param name="weight">γ [C], or null.</param>
    /// <param name="bias">β [C], or null.</param>
    /// <param name="eps">Added to the variance.</param>
    /// <param name="mean">The batch mean of each channel [C] (not recorded: for running statistics).</param>
    /// <param name="variance">The biased batch variance of each channel [C] (not recorded).</param>
    internal Tensor BatchNormTraining(Tensor? weight, Tensor? bias, double eps, out Tensor mean, out Tensor variance)
    {
        const string Op = "BatchNorm";
        DTypes.RequireFloat(Op, this);
        if (Rank < 2) throw new ArgumentException($"{Op}: input must be [N, C, ...], got {ShapeMath.Format(_shape)}");
        int batch = _shape[0], channels = _shape[1], plane = 1;
        for (int d = 2; d < Rank; d++) plane *= _shape[d];
        Tensor x = StridedCopy.ToContiguous(this);
        Tensor? w = weight is null ? null : StridedCopy.ToContiguous(weight), b = bias is null ? null : StridedCopy.ToContiguous(bias);
        Tensor y = Uninitialized(DType, (int[])_shape.Clone());
        mean = Uninitialized(DType, [channels]);
        variance = Uninitialized(DType, [channels]);
        Tensor sigma = Uninitialized(DType, [channels]);
        if (DType == DType.Float32)
            BatchNormKernel.Forward(x.Memory<float>(), w?.Memory<float>() ?? default, b?.Memory<float>() ?? default, y.Memory<float>(),
                                    mean.Memory<float>(), variance.Memory<float>(), sigma.Memory<float>(), batch, channels, plane, eps);
        else
            BatchNormKernel.Forward(x.Memory<double>(), w?.Memory<double>() ?? default, b?.Memory<double>() ?? default, y.Memory<double>(),
                                    mean.Memory<double>(), variance.Memory<double>(), sigma.Memory<double>(), batch, channels, plane, eps);
        Tensor input = this, batchMean = mean;
        Tensor[] inputs = weight is null ? (bias is null ? [this] : [this, bias]) : (bias is null ? [this, weight] : [this, weight, bias]);
        return TensorGraph.Record(y, Op, inputs, w is null ? [x] : [x, w], dy =>
        {
            (Tensor dx, Tensor? dw, Tensor? db) = TensorGraph.RecordingDuringBackward == true
                ? BatchNormBackwardComposed(dy, input, weight, eps)
                : BatchNormBackwardFused(dy, x, w, batchMean, sigma, weight is not null, bias is not null);
            return weight is null ? (bias is null ? [dx] : [dx, db]) : (bias is null ? [dx, dw] : [dx, dw, db]);
        });
    }

    /// <summary>
    /// Batch normalisation with given statistics (evaluation mode) in one pass, for when nothing
    /// records: (x - mean) / √(var + ε) · γ + β per channel of dimension 1, the same bits as the
    /// composed ops. Not recorded: callers that need gradients use the composed formula.
    /// </summary>
    internal Tensor BatchNormInference(Tensor mean, Tensor variance, Tensor? weight, Tensor? bias, double eps)
    {
        DTypes.RequireFloat("BatchNorm", this);
        int batch = _shape[0], channels = _shape[1], plane = 1;
        for (int d = 2; d < Rank; d++) plane *= _shape[d];
        Tensor x = StridedCopy.ToContiguous(this), m = StridedCopy.ToContiguous(mean), v = StridedCopy.ToContiguous(variance);
        Tensor? w = weight is null ? null : StridedCopy.ToContiguous(weight), b = bias is null ? null : StridedCopy.ToContiguous(bias);
        Tensor y = Uninitialized(DType, (int[])_shape.Clone());
        if (DType == DType.Float32)
            BatchNormKernel.Inference(x.Memory<float>(), m.Memory<float>(), v.Memory<float>(), w?.Memory<float>() ?? default, b?.Memory<float>() ?? default,
                                      y.Memory<float>(), batch, channels, plane, eps);
        else
            BatchNormKernel.Inference(x.Memory<double>(), m.Memory<double>(), v.Memory<double>(), w?.Memory<double>() ?? default, b?.Memory<double>() ?? default,
                                      y.Memory<double>(), batch, channels, plane, eps);
        return y;
    }

    /// <summary>The closed-form gradients in two passes (<see cref="BatchNormKernel.Backward"/>); not differentiable.</summary>
    private static (Tensor Dx, Tensor? Dw, Tensor? Db) BatchNormBackwardFused(Tensor dy, Tensor x, Tensor? w, Tensor mean, Tensor sigma, bool wantWeight, bool wantBias)
    {
        Tensor g = StridedCopy.ToContiguous(dy);
        int batch = x._shape[0], channels = x._shape[1], plane = x.Count / Math.Max(1, batch * channels);
        Tensor dx = Uninitialized(x.DType, (int[])x._shape.Clone());
        Tensor? dw = wantWeight ? Uninitialized(x.DType, [channels]) : null, db = wantBias ? Uninitialized(x.DType, [channels]) : null;
        if (x.DType == DType.Float32)
            BatchNormKernel.Backward(g.Memory<float>(), x.Memory<float>(), w?.Memory<float>() ?? default, mean.Memory<float>(), sigma.Memory<float>(),
                                     dx.Memory<float>(), dw?.Memory<float>() ?? default, db?.Memory<float>() ?? default, batch, channels, plane);
        else
            BatchNormKernel.Backward(g.Memory<double>(), x.Memory<double>(), w?.Memory<double>() ?? default, mean.Memory<double>(), sigma.Memory<double>(),
                                     dx.Memory<double>(), dw?.Memory<double>() ?? default, db?.Memory<double>() ?? default, batch, channels, plane);
        return (dx, dw, db);
    }

    /// <summary>
    /// The same closed form in differentiable ops, with the statistics recomputed from the input,
    /// for a backward pass that is itself recorded (gradients of gradients).
    /// </summary>
    private static (Tensor Dx, Tensor Dw, Tensor Db) BatchNormBackwardComposed(Tensor dy, Tensor input, Tensor? weight, double eps)
    {
        int[] dims = [0, .. Enumerable.Range(2, input.Rank - 2)];
        int[] channelShape = [1, input._shape[1], .. Enumerable.Repeat(1, input.Rank - 2)];
        double count = input.Count / (double)input._shape[1];
        Tensor centred = input - input.Mean(dims, keepDim: true);
        Tensor sigma = ((centred * centred).Mean(dims, keepDim: true) + eps).Sqrt();
        Tensor xhat = centred / sigma;
        Tensor db = dy.Sum(dims), dw = (dy * xhat).Sum(dims);
        Tensor scale = weight is null ? 1.0 / sigma : weight.Reshape(channelShape) / sigma;
        Tensor dx = scale * (dy - db.Reshape(channelShape) / count - xhat * (dw.Reshape(channelShape) / count));
        return (dx, dw, db);
    }

    /// <summary>
    /// Rows of <paramref name="weight"/> [V, D] picked by Int64 <paramref name="indices"/>
    /// (any shape), giving [..., D]; the gradient adds into the picked rows.
    /// </summary>
    /// <param name="weight">The embedding table.</param>
    /// <param name="indices">Row indices in [0, V).</param>
    public static Tensor Embedding(Tensor weight, Tensor indices)
    {
        if (weight.Rank != 2) throw new ArgumentException($"Embedding: weight must be [V,D], got {ShapeMath.Format(weight._shape)}");
        int[] shape = [.. indices._shape, weight._shape[1]];
        return weight.IndexSelect(0, indices.Reshape(-1)).Reshape(shape);
    }

    /// <summary>
    /// Inverted dropout: each element is zeroed with probability <paramref name="p"/> (drawn from
    /// <paramref name="random"/>, so a seed fixes the mask) and the rest scaled by 1/(1 - p).
    /// Returns the input unchanged when not <paramref name="training"/> or when p is 0.
    /// </summary>
    /// <param name="p">Drop probability in [0, 1).</param>
    /// <param name="random">The generator for the mask.</param>
    /// <param name="training">False in evaluation: no dropout.</param>
    public Tensor Dropout(double p, Random.NumpyRandom random, bool training = true)
    {
        if (p is < 0 or >= 1 || double.IsNaN(p)) throw new ArgumentOutOfRangeException(nameof(p), $"Dropout: p must be in [0, 1), got {p}");
        ArgumentNullException.ThrowIfNull(random);
        if (!training || p == 0) return this;
        return this * DropoutMask(p, random);
    }

    /// <summary>
    /// Channel dropout, as PyTorch's <c>dropout2d</c>: each channel of a [N, C, H, W] (or
    /// [C, H, W]) tensor is zeroed as a whole with probability <paramref name="p"/> (one draw per
    /// channel from <paramref name="random"/>) and the rest scaled by 1/(1 - p). Returns the
    /// input unchanged when not <paramref name="training"/> or when p is 0.
    /// </summary>
    /// <param name="p">Drop probability in [0, 1).</param>
    /// <param name="random">The generator for the mask.</param>
    /// <param name="training">False in evaluation: no dropout.</param>
    /// <exception cref="ArgumentException">The tensor is not [N, C, H, W] or [C, H, W].</exception>
    public Tensor Dropout2d(double p, Random.NumpyRandom random, bool training = true)
    {
        if (p is < 0 or >= 1 || double.IsNaN(p)) throw new ArgumentOutOfRangeException(nameof(p), $"Dropout2d: p must be in [0, 1), got {p}");
        ArgumentNullException.ThrowIfNull(random);
        if (Rank is not (3 or 4)) throw new ArgumentException($"Dropout2d: input must be [N, C, H, W] or [C, H, W], got {ShapeMath.Format(_shape)}");
        if (!training || p == 0) return this;
        // One mask value per channel, broadcast over its plane.
        int[] channels = Rank == 4 ? [_shape[0], _shape[1], 1, 1] : [_shape[0], 1, 1];
        return this * Empty(DType, channels).DropoutMask(p, random);
    }

    /// <summary>
    /// 1/(1 - p) where a uniform draw (numpy's <c>rand</c> stream, rounded to this tensor's type)
    /// exceeds p, else 0: the same numbers as <c>(Rand(...) &gt; p) / (1 - p)</c> in one pass, with
    /// no intermediate arrays.
    /// </summary>
    private Tensor DropoutMask(double p, Random.NumpyRandom random)
    {
        DTypes.RequireFloat("Dropout", this);
        Tensor keep = Uninitialized(DType, (int[])_shape.Clone());
        Span<double> draws = stackalloc double[256];
        if (DType == DType.Float32)
        {
            float threshold = (float)p, scale = 1f / (float)(1 - p);
            for (Span<float> mask = keep.Span<float>(); !mask.IsEmpty;)
            {
                Span<double> u = draws[..Math.Min(draws.Length, mask.Length)];
                random.NextDoubles(u);
                for (int i = 0; i < u.Length; i++) mask[i] = (float)u[i] > threshold ? scale : 0f;
                mask = mask[u.Length..];
            }
        }
        else
        {
            double scale = 1 / (1 - p);
            for (Span<double> mask = keep.Span<double>(); !mask.IsEmpty;)
            {
                Span<double> u = draws[..Math.Min(draws.Length, mask.Length)];
                random.NextDoubles(u);
                for (int i = 0; i < u.Length; i++) mask[i] = u[i] > p ? scale : 0;
                mask = mask[u.Length..];
            }
        }
        return keep;
    }
}
