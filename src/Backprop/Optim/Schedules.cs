namespace Backprop.Optim;

/// <summary>
/// A learning-rate schedule: each <see cref="Step"/> (once per epoch or per training step, as
/// the caller decides) sets the optimizer's rate to <c>baseRate · Factor(step)</c>.
/// </summary>
public abstract class LearningRateSchedule
{
    private readonly Optimizer _optimizer;
    private readonly double _baseRate;

    /// <summary>Attaches the schedule and applies its factor for step 0.</summary>
    /// <param name="optimizer">The optimizer whose rate to drive; its current rate is the base rate.</param>
    protected LearningRateSchedule(Optimizer optimizer)
    {
        _optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        _baseRate = optimizer.LearningRate;
    }

    /// <summary>How many times <see cref="Step"/> has been called.</summary>
    public int Count { get; private set; }

    /// <summary>The rate the optimizer has now.</summary>
    public double CurrentRate => _optimizer.LearningRate;

    /// <summary>Advances the schedule and sets the optimizer's rate.</summary>
    public void Step()
    {
        Count++;
        _optimizer.LearningRate = _baseRate * Factor(Count);
    }

    /// <summary>Applies the factor for step 0 (call at the end of a subclass's constructor).</summary>
    protected void Start() => _optimizer.LearningRate = _baseRate * Factor(0);

    /// <summary>The multiplier of the base rate after <paramref name="step"/> calls of <see cref="Step"/>.</summary>
    /// <param name="step">Steps taken.</param>
    public abstract double Factor(int step);
}

/// <summary>Multiplies the rate by γ every <c>stepSize</c> steps (PyTorch's <c>StepLR</c>).</summary>
public sealed class StepSchedule : LearningRateSchedule
{
    private readonly int _stepSize;
    private readonly double _gamma;

    /// <summary>Creates the schedule.</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="stepSize">Steps between decays.</param>
    /// <param name="gamma">The decay factor.</param>
    public StepSchedule(Optimizer optimizer, int stepSize, double gamma = 0.1) : base(optimizer)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(stepSize, 1);
        _stepSize = stepSize;
        _gamma = gamma;
        Start();
    }

    /// <inheritdoc/>
    public override double Factor(int step) => Math.Pow(_gamma, step / _stepSize);
}

/// <summary>
/// Cosine annealing from the base rate to <c>minRate</c> over <c>totalSteps</c> (PyTorch's
/// <c>CosineAnnealingLR</c> in closed form): rate = min + (base - min)(1 + cos(π·t/T))/2, held at
/// min after T.
/// </summary>
public sealed class CosineSchedule : LearningRateSchedule
{
    private readonly int _totalSteps;
    private readonly double _minFactor;

    /// <summary>Creates the schedule.</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="totalSteps">T, steps to reach the minimum.</param>
    /// <param name="minRate">The final rate.</param>
    public CosineSchedule(Optimizer optimizer, int totalSteps, double minRate = 0) : base(optimizer)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(totalSteps, 1);
        _totalSteps = totalSteps;
        _minFactor = optimizer.LearningRate == 0 ? 0 : minRate / optimizer.LearningRate;
        Start();
    }

    /// <inheritdoc/>
    public override double Factor(int step)
    {
        double t = Math.Min(step, _totalSteps);
        return _minFactor + (1 - _minFactor) * (1 + Math.Cos(Math.PI * t / _totalSteps)) / 2;
    }
}

/// <summary>
/// A linear ramp of the factor from <c>startFactor</c> to <c>endFactor</c> over
/// <c>totalSteps</c>, then held (PyTorch's <c>LinearLR</c>). Linear warm-up is
/// <c>new LinearSchedule(opt, warmupSteps, startFactor: 0.01)</c>; micrograd's decay
/// 1 - 0.9·k/100 is <c>new LinearSchedule(opt, 100, 1.0, 0.1)</c> on a base rate of 1.
/// </summary>
public sealed class LinearSchedule : LearningRateSchedule
{
    private readonly int _totalSteps;
    private readonly double _start;
    private readonly double _end;

    /// <summary>Creates the schedule.</summary>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="totalSteps">Steps of the ramp.</param>
    /// <param name="startFactor">The factor at step 0.</param>
    /// <param name="endFactor">The factor from step <paramref name="totalSteps"/> on.</param>
    public LinearSchedule(Optimizer optimizer, int totalSteps, double startFactor = 1.0 / 3, double endFactor = 1) : base(optimizer)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(totalSteps, 1);
        _totalSteps = totalSteps;
        _start = startFactor;
        _end = endFactor;
        Start();
    }

    /// <inheritdoc/>
    public override double Factor(int step) => _start + (_end - _start) * Math.Min(step, _totalSteps) / _totalSteps;
}
