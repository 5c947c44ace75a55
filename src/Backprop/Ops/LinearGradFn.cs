namespace Backprop;

/// <summary>
/// <see cref="Tensor.Linear"/>'s rule: d/dx = G·W, d/dW = Gᵀ·x, d/db = Σ rows of G, computed by
/// the kernels straight into contiguous gradients; with <c>createGraph</c>, by differentiable
/// ops (the same numbers), so that gradients of gradients work.
/// </summary>
internal sealed class LinearGradFn : GradFn
{
    private readonly Tensor _input, _weight;
    private readonly Tensor? _bias;

    /// <summary>The rule of <c>input.Linear(weight, bias)</c>; input and weight are saved (their versions taken now).</summary>
    public LinearGradFn(Tensor input, Tensor weight, Tensor? bias)
        : base("Linear", bias is null ? [input, weight] : [input, weight, bias], input, weight)
    {
        _input = input;
        _weight = weight;
        _bias = bias;
    }

    /// <inheritdoc/>
    public override void Backward(Tensor grad, bool recorded, Span<Tensor?> inputGrads)
    {
        if (recorded) Recorded(_input, _weight, _bias, grad, inputGrads);
        else Tensor.LinearBackward(_input, _weight, _bias, Kernels.StridedCopy.ToContiguous(grad), inputGrads);
    }

    /// <summary>The rule written with differentiable ops (a recorded backward pass: gradients of gradients), into the input, weight and (when given) bias slots.</summary>
    internal static void Recorded(Tensor input, Tensor weight, Tensor? bias, Tensor grad, Span<Tensor?> inputGrads)
    {
        if (input.RequiresGrad) inputGrads[0] = grad.MatMul(weight);
        if (weight.RequiresGrad) inputGrads[1] = grad.Transpose(0, 1).MatMul(input);
        if (bias is not null && bias.RequiresGrad) inputGrads[2] = grad.Sum(0);
    }
}
