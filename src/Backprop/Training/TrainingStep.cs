namespace Backprop.Training;

/// <summary>One finished optimizer step, as <see cref="Trainer.StepCompleted"/> reports it.</summary>
/// <param name="Epoch">The epoch, from 1.</param>
/// <param name="Step">The step within the epoch, from 1.</param>
/// <param name="StepsPerEpoch">Steps in each epoch.</param>
/// <param name="GlobalStep">Steps taken in the run so far, this one included.</param>
/// <param name="Loss">The step's training loss (before its update).</param>
/// <param name="Seconds">Training time so far (evaluation excluded).</param>
public sealed record TrainingStep(int Epoch, int Step, int StepsPerEpoch, int GlobalStep, double Loss, double Seconds);
