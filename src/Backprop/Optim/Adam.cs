using System.Numerics;
using Backprop.Kernels;

namespace Backprop.Optim;

/// <summary>
/// Adam, as PyTorch's <c>Adam</c>: m = β₁m + (1-β₁)g, v = β₂v + (1-β₂)g², and
/// p -= lr·(m / (1-β₁ᵗ)) / (√(v / (1-β₂ᵗ)) + ε). Weight decay here is L2 (λp added to g);
/// for decoupled weight decay use <see cref="AdamW"/>.
/// </summary>
public class Adam : Optimizer
{
    private readonly Tensor?[] _m;
    private readonly Tensor?[] _v;
    private readonly FusedStep<AdamState> _step;

    /// <summary>Creates the optimizer.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="learningRate">The step size (PyTorch's default 1e-3).</param>
    /// <param name="beta1">Decay of the first moment.</param>
    /// <param name="beta2">Decay of the second moment.</param>
    /// <param name="eps">Added to the denominator.</param>
    /// <param name="weightDecay">L2 penalty λ.</param>
    public Adam(IEnumerable<Tensor> parameters, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0)
        : base(parameters, learningRate)
    {
        if (beta1 is < 0 or >= 1 || beta2 is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(beta1), $"{GetType().Name}: betas must be in [0, 1), got {beta1}, {beta2}");
        Beta1 = beta1;
        Beta2 = beta2;
        Eps = eps;
        WeightDecay = weightDecay;
        _m = new Tensor?[Parameters.Count];
        _v = new Tensor?[Parameters.Count];
        _step = new(Slice, TotalElements);
    }

    /// <summary>β₁.</summary>
    public double Beta1 { get; }

    /// <summary>β₂.</summary>
    public double Beta2 { get; }

    /// <summary>ε.</summary>
    public double Eps { get; }

    /// <summary>λ.</summary>
    public double WeightDecay { get; }

    /// <summary>Whether weight decay is decoupled (AdamW) rather than L2 (Adam).</summary>
    private protected virtual bool DecoupledWeightDecay => false;

    /// <inheritdoc/>
    private protected override bool UpdatesThroughKernels => true;

    /// <inheritdoc/>
    protected override void Update(int index, Tensor parameter, Tensor gradient)
    {
        Tensor g = ContiguousGradient(parameter, gradient);
        Tensor m = State(_m, index, parameter, 1), v = State(_v, index, parameter, 2);
        var scalars = new AdamScalars(Beta1, Beta2, Eps, WeightDecay, DecoupledWeightDecay, LearningRate, Steps);
        _step.Add(parameter, new AdamState(parameter, g, m, v, scalars));
    }

    /// <inheritdoc/>
    private protected override void FinishStep() => _step.Run();

    /// <summary>What one parameter's update reads and writes.</summary>
    private readonly record struct AdamState(Tensor Parameter, Tensor Gradient, Tensor M, Tensor V, AdamScalars Scalars);

    /// <summary>The fused update of elements [start, start + count) of one parameter (the whole of it, or the part of it in one chunk of the step).</summary>
    private static void Slice(AdamState s, int start, int count)
    {
        if (s.Parameter.DType == DType.Float32) Slice<float>(s, start, count);
        else Slice<double>(s, start, count);
    }

    private static void Slice<T>(in AdamState s, int start, int count) where T : unmanaged, IFloatingPointIeee754<T> =>
        AdamKernel.Step(s.Parameter.Span<T>().Slice(start, count), s.Gradient.Span<T>().Slice(start, count),
                        s.M.Span<T>().Slice(start, count), s.V.Span<T>().Slice(start, count), s.Scalars);
}

/// <summary>
/// AdamW, as PyTorch's <c>AdamW</c>: Adam with decoupled weight decay, p *= 1 - lr·λ before the
/// Adam update (default λ = 0.01).
/// </summary>
public sealed class AdamW : Adam
{
    /// <summary>Creates the optimizer.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="learningRate">The step size.</param>
    /// <param name="beta1">Decay of the first moment.</param>
    /// <param name="beta2">Decay of the second moment.</param>
    /// <param name="eps">Added to the denominator.</param>
    /// <param name="weightDecay">Decoupled decay λ.</param>
    public AdamW(IEnumerable<Tensor> parameters, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 1e-2)
        : base(parameters, learningRate, beta1, beta2, eps, weightDecay)
    {
    }

    /// <inheritdoc/>
    private protected override bool DecoupledWeightDecay => true;
}
