namespace Backprop.NN;

/// <summary>A loss as an object, as PyTorch's <c>nn.CrossEntropyLoss</c> and friends: configured once, called on (prediction, target).</summary>
public abstract class Loss
{
    /// <summary>How per-example losses are combined.</summary>
    public Reduction Reduction { get; init; } = Reduction.Mean;

    /// <summary>The loss of <paramref name="input"/> against <paramref name="target"/>.</summary>
    /// <param name="input">Predictions (logits or values).</param>
    /// <param name="target">Targets.</param>
    public abstract Tensor Forward(Tensor input, Tensor target);
}

/// <summary>Cross entropy of logits against Int64 class indices (<see cref="Losses.CrossEntropy"/>).</summary>
public sealed class CrossEntropyLoss : Loss
{
    /// <summary>Label smoothing ε in [0, 1].</summary>
    public double LabelSmoothing { get; init; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => Losses.CrossEntropy(input, target, Reduction, LabelSmoothing);
}

/// <summary>Mean squared error (<see cref="Losses.MseLoss"/>).</summary>
public sealed class MseLoss : Loss
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => Losses.MseLoss(input, target, Reduction);
}

/// <summary>Binary cross entropy on logits (<see cref="Losses.BinaryCrossEntropyWithLogits"/>).</summary>
public sealed class BceWithLogitsLoss : Loss
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => Losses.BinaryCrossEntropyWithLogits(input, target, Reduction);
}

/// <summary>The SVM max-margin loss of micrograd's demo (<see cref="Losses.Hinge"/>).</summary>
public sealed class HingeLoss : Loss
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => Losses.Hinge(input, target, Reduction);
}
