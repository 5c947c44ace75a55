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
/// <param name="task">The model, its data and its optimizer, behind one step.</param>
/// <param name="epochs">Epochs to run (at least 1).</param>
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

    /// <summary>Runs the epochs, or until <paramref name="cancel"/> fires or the loss stops being finite.</summary>
    /// <param name="cancel">Checked after every step; the step in progress always finishes, so the weights are never half-updated.</param>
    /// <returns>The metrics, the step count and why the run ended.</returns>
    public TrainingResult Run(CancellationToken cancel = default)
    {
        int perEpoch = _task.StepsPerEpoch;
        Started?.Invoke(this, new TrainingPlan(_epochs, perEpoch));
        var history = new List<EpochMetrics>();
        var clock = new Stopwatch();
        int steps = 0;
        TrainingOutcome outcome = TrainingOutcome.Completed;
        TrainingStep? divergence = null;
        bool evaluatedLast = false;
        bool divergedInEvaluation = false;
        try
        {
            for (int epoch = 1; epoch <= _epochs && outcome == TrainingOutcome.Completed; epoch++)
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
                        if ((KeepFiniteWeights || !_task.WeightsAreFinite()) && steps > 0)
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
                    StepCompleted?.Invoke(this, new TrainingStep(epoch, step + 1, perEpoch, steps, loss, clock.Elapsed.TotalSeconds));
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
                var end = new EpochEnd(_task.Evaluate(epoch), _epochs, clock.Elapsed.TotalSeconds);
                if (!double.IsFinite(end.Metrics.TrainLoss))
                {
                    // Every step's loss was finite, yet the weights now score NaN or infinity (the
                    // last update overflowed where the step's own loss could not show it, as in
                    // float32 evaluation of a double model): the same stop, found one step later.
                    divergence = new TrainingStep(epoch, perEpoch, perEpoch, steps, end.Metrics.TrainLoss, clock.Elapsed.TotalSeconds);
                    divergedInEvaluation = true;
                    if (KeepFiniteWeights && steps > 0)
                    {
                        _task.RestoreWeights();
                        steps--;
                    }
                    outcome = TrainingOutcome.Diverged;
                    break;
                }
                history.Add(end.Metrics);
                evaluatedLast = true;
                EpochCompleted?.Invoke(this, end);
                if (CheckpointEvery > 0 && epoch % CheckpointEvery == 0) Checkpoint?.Invoke(this, end);
            }
        }
        finally
        {
            clock.Stop();
            _task.End();
        }
        EpochMetrics? final = evaluatedLast ? history[^1]
            : steps == 0 && outcome != TrainingOutcome.Diverged ? null
            : _task.Evaluate(history.Count);
        return new TrainingResult(history, steps, clock.Elapsed.TotalSeconds, outcome, final, divergence) { DivergedInEvaluation = divergedInEvaluation };
    }
}
