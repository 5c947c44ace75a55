using Backprop.Plots;

namespace Backprop.Cli.Training;

/// <summary>Where a training run reports as it goes: a live progress bar on a terminal, plain lines elsewhere.</summary>
public interface ITrainingProgress
{
    /// <summary>The run starts.</summary>
    /// <param name="epochs">Epochs planned.</param>
    /// <param name="batchesPerEpoch">Optimizer steps per epoch.</param>
    void Start(int epochs, int batchesPerEpoch);

    /// <summary>A step finished.</summary>
    /// <param name="epoch">The epoch (from 1).</param>
    /// <param name="batch">The step within the epoch (from 1).</param>
    /// <param name="loss">Its training loss.</param>
    void Batch(int epoch, int batch, double loss);

    /// <summary>An epoch finished and was evaluated.</summary>
    /// <param name="metrics">Its metrics.</param>
    /// <param name="seconds">Training time so far.</param>
    void Epoch(EpochMetrics metrics, double seconds);
}
