namespace Backprop;

/// <summary>
/// <see cref="Losses.MseLoss"/>'s rule: 2(x − t)·g, divided by the count for the mean. An
/// object of its own rather than a closure, built only when the loss is recorded (a closure's
/// captured locals and delegate were made on every call, recorded or not), and with the
/// composed, differentiable form when the backward pass is itself recorded; both give the same
/// bits.
/// </summary>
internal sealed class MseLossGradFn : GradFn
{
    private readonly Tensor _input, _target, _x, _t;
    private readonly Reduction _reduction;

    /// <summary>The rule of <c>MseLoss(input, target, reduction)</c>; <paramref name="x"/> and <paramref name="t"/> are their contiguous forms (the operands themselves when already contiguous), which the kernels read.</summary>
    public MseLossGradFn(Tensor input, Tensor target, Tensor x, Tensor t, Reduction reduction)
        : base("MseLoss", [input, target], input, target)
    {
        _input = input;
        _target = target;
        _x = x;
        _t = t;
        _reduction = reduction;
    }

    /// <inheritdoc/>
    public override void Backward(Tensor grad, bool recorded, Span<Tensor?> inputGrads)
    {
        Tensor gx;
        if (recorded)
        {
            // Differentiable ops, for gradients of gradients.
            Tensor scale = _reduction == Reduction.Mean ? grad / _input.Count : grad;
            gx = scale * (_input - _target) * 2.0;
        }
        else
        {
            gx = Losses.SquaredErrorGradient(_x, _t, grad, _reduction);
        }
        if (_input.RequiresGrad) inputGrads[0] = gx;
        if (_target.RequiresGrad) inputGrads[1] = gx.Neg();
    }
}
