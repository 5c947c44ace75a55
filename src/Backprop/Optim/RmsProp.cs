using System.Numerics;
using Backprop.Kernels;

namespace Backprop.Optim;

/// <summary>
/// RMSprop, as PyTorch's <c>RMSprop</c>: s = αs + (1-α)g²; with <c>centered</c>, a = αa + (1-α)g
/// and the denominator is √(s - a²) + ε, else √s + ε; with momentum, b = μb + g/denominator and
/// p -= lr·b, else p -= lr·g/denominator.
/// </summary>
public sealed class RmsProp : Optimizer
{
    private readonly Tensor?[] _square;
    private readonly Tensor?[] _average;
    private readonly Tensor?[] _momentum;
    private readonly FusedStep<RmsPropState> _step;

    /// <summary>Creates the optimizer.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="learningRate">The step size (PyTorch's default 0.01).</param>
    /// <param name="alpha">Decay of the squared-gradient average.</param>
    /// <param name="eps">Added to the denominator.</param>
    /// <param name="weightDecay">L2 penalty λ.</param>
    /// <param name="momentum">μ, 0 for none.</param>
    /// <param name="centered">Normalise by the variance rather than the second moment.</param>
    public RmsProp(IEnumerable<Tensor> parameters, double learningRate = 0.01, double alpha = 0.99, double eps = 1e-8, double weightDecay = 0, double momentum = 0, bool centered = false)
        : base(parameters, learningRate)
    {
        Alpha = alpha;
        Eps = eps;
        WeightDecay = weightDecay;
        Momentum = momentum;
        Centered = centered;
        _square = new Tensor?[Parameters.Count];
        _average = new Tensor?[Parameters.Count];
        _momentum = new Tensor?[Parameters.Count];
        _step = new(Slice, TotalElements);
    }

    /// <summary>α.</summary>
    public double Alpha { get; }

    /// <summary>ε.</summary>
    public double Eps { get; }

    /// <summary>λ.</summary>
    public double WeightDecay { get; }

    /// <summary>μ.</summary>
    public double Momentum { get; }

    /// <summary>Whether the variance is used.</summary>
    public bool Centered { get; }

    /// <inheritdoc/>
    private protected override bool UpdatesThroughKernels => true;

    /// <inheritdoc/>
    protected override void Update(int index, Tensor parameter, Tensor gradient)
    {
        Tensor g = ContiguousGradient(parameter, gradient);
        Tensor square = State(_square, index, parameter, 1);
        Tensor? average = Centered ? State(_average, index, parameter, 2) : null;
        Tensor? momentum = Momentum > 0 ? State(_momentum, index, parameter, 3) : null;
        var scalars = new RmsPropScalars(LearningRate, Alpha, Eps, WeightDecay, Momentum, Centered);
        _step.Add(parameter, new RmsPropState(parameter, g, square, average, momentum, scalars));
    }

    /// <inheritdoc/>
    private protected override void FinishStep() => _step.Run();

    /// <summary>What one parameter's update reads and writes (the average only when centred, the momentum buffer only with momentum).</summary>
    private readonly record struct RmsPropState(Tensor Parameter, Tensor Gradient, Tensor Square, Tensor? Average, Tensor? Momentum, RmsPropScalars Scalars);

    /// <summary>The fused update of elements [start, start + count) of one parameter (the whole of it, or the part of it in one chunk of the step).</summary>
    private static void Slice(RmsPropState s, int start, int count)
    {
        if (s.Parameter.DType == DType.Float32) Slice<float>(s, start, count);
        else Slice<double>(s, start, count);
    }

    private static void Slice<T>(in RmsPropState s, int start, int count) where T : unmanaged, IFloatingPointIeee754<T> =>
        RmsPropKernel.Step(s.Parameter.Span<T>().Slice(start, count), s.Gradient.Span<T>().Slice(start, count), s.Square.Span<T>().Slice(start, count),
                           s.Average is null ? default : s.Average.Span<T>().Slice(start, count),
                           s.Momentum is null ? default : s.Momentum.Span<T>().Slice(start, count), s.Scalars);
}
