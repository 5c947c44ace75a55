namespace Backprop.Training;

/// <summary>The shape of a run, as <see cref="Trainer.Started"/> reports it before the first step.</summary>
/// <param name="Epochs">Epochs planned.</param>
/// <param name="StepsPerEpoch">Optimizer steps per epoch.</param>
public sealed record TrainingPlan(int Epochs, int StepsPerEpoch)
{
    /// <summary>Steps in the whole run.</summary>
    public long TotalSteps => (long)Epochs * StepsPerEpoch;
}
