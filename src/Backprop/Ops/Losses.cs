using Backprop.Kernels;

namespace Backprop;

/// <summary>How a loss combines the per-example losses.</summary>
public enum Reduction
{
    /// <summary>The mean over examples (the default).</summary>
    Mean,

    /// <summary>The sum over examples.</summary>
    Sum,

    /// <summary>One loss per example.</summary>
    None,
}

/// <summary>
/// Loss functions, as PyTorch's <c>torch.nn.functional</c> defines them, built from
/// differentiable ops (so their gradients, and gradients of gradients, follow).
/// </summary>
public static class Losses
{
    /// <summary>
    /// Cross entropy of <paramref name="logits"/> [N, C] (or [C]) against class indices
    /// <paramref name="targets"/> [N] (or a scalar), from log-softmax; with label smoothing ε
    /// the target distribution puts 1 - ε on the class and ε spread evenly over all classes.
    /// </summary>
    /// <param name="logits">Unnormalised scores, one row per example.</param>
    /// <param name="targets">Int64 class indices in [0, C).</param>
    /// <param name="reduction">Mean, sum or none.</param>
    /// <param name="labelSmoothing">ε in [0, 1].</param>
    public static Tensor CrossEntropy(Tensor logits, Tensor targets, Reduction reduction = Reduction.Mean, double labelSmoothing = 0)
    {
        if (labelSmoothing is < 0 or > 1 || double.IsNaN(labelSmoothing))
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), $"CrossEntropy: label smoothing must be in [0, 1], got {labelSmoothing}");
        Tensor logProbabilities = logits.LogSoftmax(-1);
        Tensor nll = Nll(logProbabilities, targets, "CrossEntropy");
        if (labelSmoothing > 0) nll = nll * (1 - labelSmoothing) - logProbabilities.Mean(-1) * labelSmoothing;
        return Reduce(nll, reduction);
    }

    /// <summary>Negative log-likelihood of log-probabilities [N, C] at class indices [N].</summary>
    /// <param name="logProbabilities">Log-probabilities, e.g. from <see cref="Tensor.LogSoftmax"/>.</param>
    /// <param name="targets">Int64 class indices.</param>
    /// <param name="reduction">Mean, sum or none.</param>
    public static Tensor NllLoss(Tensor logProbabilities, Tensor targets, Reduction reduction = Reduction.Mean) =>
        Reduce(Nll(logProbabilities, targets, "NllLoss"), reduction);

    /// <summary>Mean squared error: (input - target)², reduced.</summary>
    /// <param name="input">Predictions.</param>
    /// <param name="target">Targets, broadcastable to the predictions.</param>
    /// <param name="reduction">Mean, sum or none.</param>
    /// <remarks>
    /// One recorded op (the composed form is a difference, a product and a reduction, each with
    /// a rule), with the same bits: the squared differences are reduced by the same kernel, and
    /// the gradient is 2·(s·(input - target)) as the composed backward pass computes it.
    /// </remarks>
    public static Tensor MseLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        CheckSameShape("MseLoss", input, target);
        DTypes.RequireSame("MseLoss", input, target);
        DTypes.RequireFloat("MseLoss", input);
        Tensor x = StridedCopy.ToContiguous(input), t = StridedCopy.ToContiguous(target);
        Tensor result = input.DType == DType.Float32 ? SquaredError<float>(x, t, reduction) : SquaredError<double>(x, t, reduction);
        return TensorGraph.WillRecord(input, target) ? TensorGraph.Record(result, new MseLossGradFn(input, target, x, t, reduction)) : result;
    }

    /// <summary>The gradient of <see cref="MseLoss"/> with respect to its input, from the contiguous operands and the upstream gradient <paramref name="g"/> (nothing recorded).</summary>
    internal static Tensor SquaredErrorGradient(Tensor x, Tensor t, Tensor g, Reduction reduction)
    {
        Tensor upstream = StridedCopy.ToContiguous(g);
        return x.DType == DType.Float32
            ? SquaredErrorGradient<float>(x, t, upstream, reduction, x.Count)
            : SquaredErrorGradient<double>(x, t, upstream, reduction, x.Count);
    }

    private static Tensor SquaredError<T>(Tensor x, Tensor t, Reduction reduction) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        ReadOnlySpan<T> xs = x.Span<T>(), ts = t.Span<T>();
        if (reduction == Reduction.None)
        {
            Tensor each = Tensor.Uninitialized(x.DType, (int[])x.ShapeArray.Clone());
            SquaredErrorKernel.Squares(xs, ts, each.Span<T>());
            return each;
        }
        T[]? rented = xs.Length > 256 ? System.Buffers.ArrayPool<T>.Shared.Rent(xs.Length) : null;
        try
        {
            Span<T> squares = rented is null ? stackalloc T[xs.Length] : rented.AsSpan(0, xs.Length);
            SquaredErrorKernel.Squares(xs, ts, squares);
            T sum = SumKernel.Sum<T>(squares);
            // As (d * d).Sum() / count: the count rounded to T, then one division.
            if (reduction == Reduction.Mean) sum /= T.CreateTruncating((double)xs.Length);
            Tensor loss = Tensor.Uninitialized(x.DType, []);
            loss.Storage<T>()[0] = sum;
            return loss;
        }
        finally
        {
            if (rented is not null) System.Buffers.ArrayPool<T>.Shared.Return(rented);
        }
    }

    private static Tensor SquaredErrorGradient<T>(Tensor x, Tensor t, Tensor g, Reduction reduction, int count) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        Tensor gx = Tensor.UninitializedLike(x);
        if (reduction == Reduction.None)
        {
            SquaredErrorKernel.Gradient(x.Span<T>(), t.Span<T>(), g.Span<T>(), gx.Span<T>());
            return gx;
        }
        T scale = g.Span<T>()[0];
        // As the composed Mean's rule: the upstream gradient divided by the count rounded to T.
        if (reduction == Reduction.Mean) scale /= T.CreateTruncating((double)count);
        SquaredErrorKernel.Gradient(x.Span<T>(), t.Span<T>(), scale, gx.Span<T>());
        return gx;
    }

    /// <summary>
    /// Binary cross entropy on logits, computed stably as softplus(x) - x·y (never log of 0):
    /// the loss of <c>sigmoid(x)</c> against targets y in [0, 1].
    /// </summary>
    /// <param name="logits">Unnormalised scores.</param>
    /// <param name="targets">Targets in [0, 1], shaped like the logits.</param>
    /// <param name="reduction">Mean, sum or none.</param>
    public static Tensor BinaryCrossEntropyWithLogits(Tensor logits, Tensor targets, Reduction reduction = Reduction.Mean)
    {
        CheckSameShape("BinaryCrossEntropyWithLogits", logits, targets);
        return Reduce(logits.Softplus() - logits * targets, reduction);
    }

    /// <summary>
    /// The SVM max-margin (hinge) loss of micrograd's demo: relu(1 - y·score) per example,
    /// with targets y of -1 or +1.
    /// </summary>
    /// <param name="scores">Scores, one per example.</param>
    /// <param name="targets">-1 or +1 per example, shaped like the scores.</param>
    /// <param name="reduction">Mean, sum or none.</param>
    public static Tensor Hinge(Tensor scores, Tensor targets, Reduction reduction = Reduction.Mean)
    {
        CheckSameShape("Hinge", scores, targets);
        return Reduce((1.0 - targets * scores).Relu(), reduction);
    }

    private static Tensor Nll(Tensor logProbabilities, Tensor targets, string op)
    {
        if (targets.DType != DType.Int64)
            throw new ArgumentException($"{op}: targets must be Int64 class indices, got {targets.DType}");
        Tensor scores = logProbabilities.Rank == 1 ? logProbabilities.Unsqueeze(0) : logProbabilities;
        Tensor labels = targets.Rank == 0 ? targets.Reshape(1) : targets;
        if (scores.Rank != 2 || labels.Rank != 1 || scores.Shape[0] != labels.Shape[0])
            throw new ArgumentException($"{op}: input {ShapeMath.Format(logProbabilities.ShapeArray)} and targets {ShapeMath.Format(targets.ShapeArray)} do not match; expected [N,C] and [N]");
        CheckLabels(op, labels, scores.Shape[1]);
        Tensor picked = scores.Gather(1, labels.Reshape(-1, 1)).Reshape(-1);
        Tensor nll = -picked;
        return logProbabilities.Rank == 1 ? nll.Reshape() : nll;
    }

    /// <summary>Every label must be a class the scores have; the error names the first that is not, its example and the number of classes.</summary>
    private static void CheckLabels(string op, Tensor labels, int classes)
    {
        long[] values = labels.ToArray<long>();
        for (int i = 0; i < values.Length; i++)
        {
            if (values[i] < 0 || values[i] >= classes)
                throw new IndexOutOfRangeException($"{op}: label {values[i]} (example {i}) is out of range for {classes} classes (0 .. {classes - 1})");
        }
    }

    private static Tensor Reduce(Tensor losses, Reduction reduction) => reduction switch
    {
        Reduction.Mean => losses.Mean(),
        Reduction.Sum => losses.Sum(),
        _ => losses,
    };

    private static void CheckSameShape(string op, Tensor input, Tensor target)
    {
        if (!ShapeMath.Same(input.ShapeArray, target.ShapeArray))
            throw new ArgumentException($"{op}: input shape {ShapeMath.Format(input.ShapeArray)} and target shape {ShapeMath.Format(target.ShapeArray)} differ");
    }
}
