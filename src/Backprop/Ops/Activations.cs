using Backprop.Kernels;
namespace Backprop;

// Activation functions, each with its backward rule beside it.

public partial class Tensor
{
    /// <summary>Hyperbolic tangent; d/dx = 1 - tanh²(x).</summary>
    public Tensor Tanh()
    {
        Tensor result = Elementwise.Map<TanhKernel>("Tanh", this);
        // One pass when the backward pass is not itself recorded; the composed (differentiable)
        // form when it is. Both compute the same bits.
        return TensorGraph.Record(result, "Tanh", [this], [result], g => [TensorGraph.RecordingDuringBackward == true
            ? g * (1.0 - result * result)
            : Elementwise.Zip<TanhBackwardKernel>("Tanh backward", g, result)]);
    }

    /// <summary>The logistic function 1/(1 + e^-x); d/dx = σ(x)(1 - σ(x)).</summary>
    public Tensor Sigmoid()
    {
        Tensor result = Elementwise.Map<SigmoidKernel>("Sigmoid", this);
        return TensorGraph.Record(result, "Sigmoid", [this], [result], g => [TensorGraph.RecordingDuringBackward == true
            ? g * result * (1.0 - result)
            : Elementwise.Zip<SigmoidBackwardKernel>("Sigmoid backward", g, result)]);
    }

    /// <summary>max(x, 0); d/dx = 1 where x &gt; 0, else 0 (0 at the kink; an infinite or NaN gradient is stopped where x ≤ 0, as PyTorch does).</summary>
    public Tensor Relu() =>
        TensorGraph.Record(Elementwise.Map<ReluKernel>("Relu", this), "Relu", [this], [this], g => [ReluBackward(g)]);

    /// <summary>
    /// <paramref name="g"/> where this tensor (ReLU's input) is positive, else 0, in one pass. Its
    /// own gradient with respect to <paramref name="g"/> is the same selection, so gradients of
    /// gradients work.
    /// </summary>
    private Tensor ReluBackward(Tensor g) =>
        TensorGraph.Record(Elementwise.Zip<KeepWherePositiveKernel>("ReluBackward", g, this), "ReluBackward", [g], [this],
            gg => [ReluBackward(gg)]);

    /// <summary>x where x &gt; 0, else slope·x; d/dx = 1 or slope.</summary>
    /// <param name="negativeSlope">The slope for negative inputs (PyTorch's default 0.01).</param>
    public Tensor LeakyRelu(double negativeSlope = 0.01)
    {
        Tensor positive = Gt(0.0);
        Tensor factor = positive + (1.0 - positive) * negativeSlope;
        Tensor result;
        using (Autograd.NoGrad()) result = this * factor;
        return TensorGraph.Record(result, "LeakyRelu", [this], [], g => [g * factor]);
    }

    /// <summary>
    /// GELU in its exact form, x·Φ(x) = 0.5·x·(1 + erf(x/√2)), built from differentiable ops
    /// so that its first and second derivatives are exact.
    /// </summary>
    public Tensor Gelu() => this * 0.5 * (1.0 + (this * (1 / Math.Sqrt(2))).Erf());

    /// <summary>log(1 + e^x), computed without overflow; d/dx = σ(x).</summary>
    public Tensor Softplus() =>
        TensorGraph.Record(Elementwise.Map<SoftplusKernel>("Softplus", this), "Softplus", [this], [this], g => [g * Sigmoid()]);

    /// <summary>
    /// Each element limited to [<paramref name="min"/>, <paramref name="max"/>]; the gradient
    /// passes where min ≤ x ≤ max and is 0 where the value was clipped. Null bounds are open.
    /// </summary>
    /// <param name="min">Lower bound, or null.</param>
    /// <param name="max">Upper bound, or null.</param>
    public Tensor Clamp(double? min = null, double? max = null)
    {
        if (min is double lo && max is double hi && lo > hi)
            throw new ArgumentException($"Clamp: min {lo} is greater than max {hi}");
        // An open bound is an infinite one: the same two comparisons and the same result.
        double low = min ?? double.NegativeInfinity, high = max ?? double.PositiveInfinity;
        Tensor inside, result;
        using (Autograd.NoGrad())
        {
            inside = (1.0 - Lt(low)) * (1.0 - Gt(high));
            result = Maximum(Scalar(low, DType)).Minimum(Scalar(high, DType));
        }
        return TensorGraph.Record(result, "Clamp", [this], [], g => [g * inside]);
    }
}
