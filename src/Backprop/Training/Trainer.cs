using System.Diagnostics;

namespace Backprop.Training;

/// <summary>
/// The one training loop: epochs of steps, an evaluation after each epoch, events for progress,
/// metrics and checkpoints, cancellation after any step, and a stop at the first loss that is
/// not finite. What a step does is the <see cref="TrainingTask"/>'s business; the loop never
/// writes to a console or a file, so any front end can drive it.
/// </summary>
/// <remarks>
/// Divergence: before each update the task copies the weights aside (they just produced a finite
/// loss). When a step's loss (or the evaluation after an epoch) is NaN or infinite the run stops
/// before that step's update and puts
/// the copy back, so the run ends with the weights of the last step whose loss was finite (the
/// update that followed them is what blew up: the weights it made may be finite but useless,
/// say 1e30). The copy costs one pass over the weights per step; a run that cannot afford it
/// can turn it off with <see cref="KeepFiniteWeights"/>, and then keeps the current weights
/// when they are all finite.
/// </remarks>
/// <para>
/// Resuming: a trainer remembers how far it got (<see cref="CompletedEpochs"/>,
/// <see cref="CompletedSteps"/>), and <see cref="Continue"/> runs more epochs from there with the
/// numbering carried on, so a front end can train one epoch (or n) at a time, as the playground
/// does. A new trainer over a new task (say, another batch size) can pick up the numbering by
/// setting both properties when it is made.
/// </para>
/// <param name="task">The model, its data and its optimizer, behind one step.</param>
/// <param name="epochs">Epochs <see cref="Run"/> runs (at least 1).</param>
public sealed class Trainer(TrainingTask task, int epochs)
{
    private readonly TrainingTask _task = task ?? throw new ArgumentNullException(nameof(task));
    private readonly int _epochs = epochs >= 1 ? epochs : throw new ArgumentOutOfRangeException(nameof(epochs), epochs, "Trainer: at least one epoch is needed.");

    /// <summary>Raised once, before the first step.</summary>
    public event EventHandler<TrainingPlan>? Started;

    /// <summary>Raised after every step whose loss was finite and whose update was applied.</summary>
    public event EventHandler<TrainingStep>? StepCompleted;

    /// <summary>Raised after each epoch, once it has been evaluated.</summary>
    public event EventHandler<EpochEnd>? EpochCompleted;

    /// <summary>Raised every <see cref="CheckpointEvery"/> epochs, after <see cref="EpochCompleted"/>: a good moment to save the weights.</summary>
    public event EventHandler<EpochEnd>? Checkpoint;

    /// <summary>Epochs between <see cref="Checkpoint"/> events; 0 (the default) raises none.</summary>
    public int CheckpointEvery { get; init; }

    /// <summary>Whether to copy the weights aside before each update so a divergence can be undone (default true).</summary>
    public bool KeepFiniteWeights { get; init; } = true;

    /// <summary>
    /// Epochs finished (and evaluated) so far; the next epoch is this plus one. Set it when the
    /// trainer is made to carry on the numbering of an earlier trainer.
    /// </summary>
    public int CompletedEpochs
    {
        get => _completedEpochs;
        init => _completedEpochs = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "Trainer: completed epochs cannot be negative.");
    }

    /// <summary>
    /// Optimizer updates applied so far (the global step the next step is told is this number).
    /// Set it when the trainer is made to carry on the numbering of an earlier trainer.
    /// </summary>
    public int CompletedSteps
    {
        get => _completedSteps;
        init => _completedSteps = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "Trainer: completed steps cannot be negative.");
    }

    private int _completedEpochs;
    private int _completedSteps;

    /// <summary>
    /// Runs the planned epochs (after any already run: the numbering carries on), or until
    /// <paramref name="cancel"/> fires or the loss stops being finite.
    /// </summary>
    /// <param name="cancel">Checked after every step; the step in progress always finishes, so the weights are never half-updated.</param>
    /// <returns>The metrics, the step count and why the run ended.</returns>
    public TrainingResult Run(CancellationToken cancel = default) => Continue(_epochs, cancel);

    /// <summary>
    /// Runs <paramref name="epochs"/> more epochs, numbered on from <see cref="CompletedEpochs"/>,
    /// with global steps numbered on from <see cref="CompletedSteps"/>; stops early as
    /// <see cref="Run"/> does. A partial epoch (cancelled, or diverged) is not counted as
    /// completed, so the next call starts that epoch's number again; its steps are counted.
    /// </summary>
    /// <param name="epochs">Epochs to run (at least 1).</param>
    /// <param name="cancel">Checked after every step.</param>
    /// <returns>This call's epochs, the steps this call applied, and why it ended.</returns>
    public TrainingResult Continue(int epochs, CancellationToken cancel = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(epochs, 1);
        int perEpoch = _task.StepsPerEpoch;
        int first = _completedEpochs + 1;
        int last = _completedEpochs + epochs;
        Started?.Invoke(this, new TrainingPlan(epochs, perEpoch));
        var history = new List<EpochMetrics>();
        var clock = new Stopwatch();
        int before = _completedSteps;
        int steps = before;
        TrainingOutcome outcome = TrainingOutcome.Completed;
        TrainingStep? divergence = null;
        bool evaluatedLast = false;
        bool divergedInEvaluation = false;
        try
        {
            for (int epoch = first; epoch <= last && outcome == TrainingOutcome.Completed; epoch++)
            {
                if (cancel.IsCancellationRequested)
                {
                    outcome = TrainingOutcome.Cancelled;
                    break;
                }
                _task.BeginEpoch(epoch);
                clock.Start();
                int step = 0;
                for (; step < perEpoch; step++)
                {
                    double loss = _task.ComputeGradients(epoch, step, steps);
                    if (!double.IsFinite(loss))
                    {
                        divergence = new TrainingStep(epoch, step + 1, perEpoch, steps + 1, loss, clock.Elapsed.TotalSeconds);
                        if ((KeepFiniteWeights || !_task.WeightsAreFinite()) && steps > before)
                        {
                            _task.RestoreWeights();
                            steps--; // the last update is undone
                        }
                        outcome = TrainingOutcome.Diverged;
                        break;
                    }
                    if (KeepFiniteWeights) _task.RememberWeights();
                    _task.Update(steps);
                    steps++;
                    // The event's argument is made only when someone listens: a tiny network's step is a few microseconds.
                    if (StepCompleted is { } stepCompleted) stepCompleted(this, new TrainingStep(epoch, step + 1, perEpoch, steps, loss, clock.Elapsed.TotalSeconds));
                    if (cancel.IsCancellationRequested)
                    {
                        outcome = TrainingOutcome.Cancelled;
                        step++;
                        break;
                    }
                }
                clock.Stop();
                evaluatedLast = false;
                if (step < perEpoch) break; // a partial epoch is not an epoch: the final evaluation below scores it
                var end = new EpochEnd(_task.Evaluate(epoch), last, clock.Elapsed.TotalSeconds);
                if (!double.IsFinite(end.Metrics.TrainLoss))
                {
                    // Every step's loss was finite, yet the weights now score NaN or infinity (the
                    // last update overflowed where the step's own loss could not show it, as in
                    // float32 evaluation of a double model): the same stop, found one step later.
                    divergence = new TrainingStep(epoch, perEpoch, perEpoch, steps, end.Metrics.TrainLoss, clock.Elapsed.TotalSeconds);
                    divergedInEvaluation = true;
                    if (KeepFiniteWeights && steps > before)
                    {
                        _task.RestoreWeights();
                        steps--;
                    }
                    outcome = TrainingOutcome.Diverged;
                    break;
                }
                history.Add(end.Metrics);
                _completedEpochs = epoch;
                evaluatedLast = true;
                EpochCompleted?.Invoke(this, end);
                if (CheckpointEvery > 0 && epoch % CheckpointEvery == 0) Checkpoint?.Invoke(this, end);
            }
        }
        finally
        {
            clock.Stop();
            _completedSteps = steps;
            _task.End();
        }
        EpochMetrics? final = evaluatedLast ? history[^1]
            : steps == before && outcome != TrainingOutcome.Diverged ? null
            : _task.Evaluate(_completedEpochs);
        return new TrainingResult(history, steps - before, clock.Elapsed.TotalSeconds, outcome, final, divergence) { DivergedInEvaluation = divergedInEvaluation };
    }
}
