namespace Backprop.Training;

/// <summary>What a training run produced.</summary>
/// <param name="Epochs">Metrics of each finished epoch, in order.</param>
/// <param name="Steps">
/// Optimizer updates this run applied and the final weights include (after a divergence, the
/// undone update is not counted); for <see cref="Trainer.Continue"/>, the updates of that call.
/// </param>
/// <param name="Seconds">Training wall time (evaluation excluded).</param>
/// <param name="Outcome">Why the run ended.</param>
/// <param name="Final">
/// Metrics of the weights the run ends with (the ones to save): the last epoch's after a
/// completed run, a fresh evaluation after a cancelled or diverged one. Null when there is
/// nothing to score (no step ran).
/// </param>
/// <param name="Divergence">Where the loss stopped being finite, when <paramref name="Outcome"/> is <see cref="TrainingOutcome.Diverged"/>.</param>
public sealed record TrainingResult(
    IReadOnlyList<EpochMetrics> Epochs, int Steps, double Seconds, TrainingOutcome Outcome, EpochMetrics? Final, TrainingStep? Divergence)
{
    /// <summary>
    /// Whether the divergence showed in the evaluation after an epoch rather than in a step's
    /// loss (<see cref="Divergence"/> then names the epoch's last step, whose update is undone).
    /// </summary>
    public bool DivergedInEvaluation { get; init; }
}
