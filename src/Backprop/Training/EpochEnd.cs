namespace Backprop.Training;

/// <summary>One finished and evaluated epoch, as <see cref="Trainer.EpochCompleted"/> reports it.</summary>
/// <param name="Metrics">Loss and accuracy after the epoch.</param>
/// <param name="Epochs">Epochs planned for the run.</param>
/// <param name="Seconds">Training time so far (evaluation excluded).</param>
public sealed record EpochEnd(EpochMetrics Metrics, int Epochs, double Seconds);
