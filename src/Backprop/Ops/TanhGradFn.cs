using Backprop.Kernels;

namespace Backprop;

/// <summary>
/// <see cref="Tensor.Tanh"/>'s rule, g·(1 − y²) from the saved output y: one pass when the
/// backward pass is not itself recorded, the composed (differentiable) form when it is; both
/// compute the same bits.
/// </summary>
internal sealed class TanhGradFn : GradFn
{
    private readonly Tensor _result;

    /// <summary>The rule of <c>result = input.Tanh()</c>; the result is saved (its version taken now).</summary>
    public TanhGradFn(Tensor input, Tensor result) : base("Tanh", [input], result) => _result = result;

    /// <inheritdoc/>
    public override void Backward(Tensor grad, bool recorded, Span<Tensor?> inputGrads) => inputGrads[0] = recorded
        ? grad * (1.0 - _result * _result)
        : Elementwise.Zip<TanhBackwardKernel>("Tanh backward", grad, _result);
}
