using System.Numerics;
using Backprop.Kernels;

namespace Backprop.Optim;

/// <summary>
/// Stochastic gradient descent with optional momentum, Nesterov momentum and weight decay, as
/// PyTorch's <c>SGD</c>: d = g + λp; with momentum, b = μb + (1 - dampening)d (b = d on the first
/// step) and d = b, or d = d + μb for Nesterov; then p -= lr·d.
/// </summary>
public sealed class Sgd : Optimizer
{
    private readonly Tensor?[] _momentumBuffers;
    private readonly FusedStep<SgdState> _step;

    /// <summary>Creates the optimizer.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="learningRate">The step size.</param>
    /// <param name="momentum">μ, 0 for none.</param>
    /// <param name="weightDecay">λ, added as λ·p to the gradient.</param>
    /// <param name="nesterov">Use Nesterov momentum (needs momentum &gt; 0 and no dampening).</param>
    /// <param name="dampening">Dampening of the momentum.</param>
    public Sgd(IEnumerable<Tensor> parameters, double learningRate, double momentum = 0, double weightDecay = 0, bool nesterov = false, double dampening = 0)
        : base(parameters, learningRate)
    {
        if (momentum < 0 || weightDecay < 0) throw new ArgumentOutOfRangeException(nameof(momentum), "Sgd: momentum and weight decay must be >= 0");
        if (nesterov && (momentum <= 0 || dampening != 0)) throw new ArgumentException("Sgd: Nesterov momentum needs momentum > 0 and zero dampening");
        Momentum = momentum;
        WeightDecay = weightDecay;
        Nesterov = nesterov;
        Dampening = dampening;
        _momentumBuffers = new Tensor?[Parameters.Count];
        _step = new(Slice, TotalElements);
    }

    /// <summary>μ.</summary>
    public double Momentum { get; }

    /// <summary>λ.</summary>
    public double WeightDecay { get; }

    /// <summary>Whether momentum is Nesterov's.</summary>
    public bool Nesterov { get; }

    /// <summary>Dampening of the momentum.</summary>
    public double Dampening { get; }

    /// <inheritdoc/>
    private protected override bool UpdatesThroughKernels => true;

    /// <inheritdoc/>
    protected override void Update(int index, Tensor parameter, Tensor gradient)
    {
        Tensor g = ContiguousGradient(parameter, gradient);
        bool first = Momentum != 0 && _momentumBuffers[index] is null;
        Tensor? buffer = Momentum != 0 ? State(_momentumBuffers, index, parameter, 2) : null;
        var scalars = new SgdScalars(LearningRate, Momentum, Dampening, WeightDecay, Nesterov, first);
        _step.Add(parameter, new SgdState(parameter, g, buffer, scalars));
    }

    /// <inheritdoc/>
    private protected override void FinishStep() => _step.Run();

    /// <summary>What one parameter's update reads and writes (no momentum buffer without momentum).</summary>
    private readonly record struct SgdState(Tensor Parameter, Tensor Gradient, Tensor? Buffer, SgdScalars Scalars);

    /// <summary>The fused update of elements [start, start + count) of one parameter (the whole of it, or the part of it in one chunk of the step).</summary>
    private static void Slice(SgdState s, int start, int count)
    {
        if (s.Parameter.DType == DType.Float32) Slice<float>(s, start, count);
        else Slice<double>(s, start, count);
    }

    private static void Slice<T>(in SgdState s, int start, int count) where T : unmanaged, IFloatingPointIeee754<T> =>
        SgdKernel.Step(s.Parameter.Span<T>().Slice(start, count), s.Gradient.Span<T>().Slice(start, count),
                       s.Buffer is null ? default : s.Buffer.Span<T>().Slice(start, count), s.Scalars);
}
