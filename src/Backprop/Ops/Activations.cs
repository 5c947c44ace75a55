using Backprop.Kernels;
namespace Backprop;

// Activation functions, each with its backward rule beside it.

public partial class Tensor
{
    /// <summary>Hyperbolic tangent; d/dx = 1 - tanh²(x).</summary>
    public Tensor Tanh()
    {
        Tensor result = Elementwise.Map<TanhKernel>("Tanh", this);
        return TensorGraph.WillRecord(this) ? RecordTanh(this, result) : result;
    }

    private static Tensor RecordTanh(Tensor input, Tensor result) => TensorGraph.Record(result, new TanhGradFn(input, result));

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
        Tensor positive = GtMask(0.0);
        Tensor factor = positive + (1.0 - positive) * negativeSlope;
        Tensor result;
        using (Autograd.NoGrad()) result = this * factor;
        result = TensorGraph.Record(result, "LeakyRelu", [this], [], g => [g * factor]);
        return TensorGraph.Tracing ? TensorGraph.Describe(result, "LeakyRelu", [this], new ScalarAttributes(negativeSlope)) : result;
    }

    /// <summary>
    /// GELU, as <c>torch.nn.functional.gelu</c>: with <paramref name="approximate"/> "none" (the
    /// default) the exact x·Φ(x) = 0.5·x·(1 + erf(x/√2)); with "tanh" the approximation
    /// 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). Built from differentiable ops, so that first
    /// and second derivatives are exact.
    /// </summary>
    /// <param name="approximate">"none" or "tanh".</param>
    /// <exception cref="ArgumentException">Another value of <paramref name="approximate"/>.</exception>
    public Tensor Gelu(string approximate = "none") => approximate switch
    {
        "none" => this * 0.5 * (1.0 + (this * (1 / Math.Sqrt(2))).Erf()),
        "tanh" => this * 0.5 * (1.0 + ((this + this * this * this * 0.044715) * Math.Sqrt(2 / Math.PI)).Tanh()),
        _ => throw new ArgumentException($"Gelu: approximate must be \"none\" or \"tanh\", got \"{approximate}\"", nameof(approximate)),
    };

    /// <summary>
    /// Softplus, as <c>torch.nn.functional.softplus</c>: log(1 + e^(β·x)) / β, computed without
    /// overflow, and x itself where β·x &gt; <paramref name="threshold"/> (where the two agree
    /// to float precision); d/dx = σ(β·x), and 1 above the threshold.
    /// </summary>
    /// <param name="beta">β, the sharpness of the bend (greater than 0).</param>
    /// <param name="threshold">Above this β·x the function is linear.</param>
    public Tensor Softplus(double beta = 1, double threshold = 20)
    {
        if (!(beta > 0)) throw new ArgumentOutOfRangeException(nameof(beta), beta, $"Softplus: beta must be greater than 0, got {beta}");
        if (beta != 1) return (this * beta).Softplus(1, threshold) / beta;
        Tensor linear, result;
        using (Autograd.NoGrad())
        {
            linear = Gt(threshold);
            result = Where(linear, this, Elementwise.Map<SoftplusKernel>("Softplus", this));
        }
        return TensorGraph.Record(result, "Softplus", [this], [this], g => [Where(linear, g, g * Sigmoid())]);
    }

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
            inside = (1.0 - LtMask(low)) * (1.0 - GtMask(high));
            result = Maximum(Scalar(low, DType)).Minimum(Scalar(high, DType));
        }
        return TensorGraph.Record(result, "Clamp", [this], [], g => [g * inside]);
    }
}
