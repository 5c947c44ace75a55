using Backprop.NN;
using Backprop.Optim;
using Backprop.Training;

namespace Backprop.TensorBoard;

/// <summary>
/// Logs a <see cref="Trainer"/>'s epochs to TensorBoard: after each evaluated epoch, the scalars
/// <c>loss/train</c>, <c>accuracy/train</c>, <c>loss/test</c> and <c>accuracy/test</c> (when there
/// is a test split; accuracies as fractions from 0 to 1), <c>learning_rate</c> (when an optimizer
/// is given: the rate at the end of the epoch, after any schedule), and the histograms of every
/// parameter and its gradient (<see cref="SummaryWriter.AddParameterHistograms"/>; the gradients
/// are those of the epoch's last step), all at the epoch's number as the step; then the file is
/// flushed to the disk.
/// </summary>
public static class TrainingLog
{
    /// <summary>Starts logging <paramref name="trainer"/>'s epochs into <paramref name="writer"/>.</summary>
    /// <param name="trainer">The loop to listen to (its <see cref="Trainer.EpochCompleted"/> event).</param>
    /// <param name="writer">Where the events go; the caller keeps it and disposes it.</param>
    /// <param name="model">The model whose parameters are drawn, or null for scalars only.</param>
    /// <param name="optimizer">The optimizer whose learning rate is logged, or null.</param>
    /// <returns>Disposing it stops the logging (the writer stays open).</returns>
    public static IDisposable Attach(Trainer trainer, SummaryWriter writer, Module? model, Optimizer? optimizer = null)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(writer);
        EventHandler<EpochEnd> handler = (_, end) => Log(writer, end.Metrics, model, optimizer);
        trainer.EpochCompleted += handler;
        return new Detach(() => trainer.EpochCompleted -= handler);
    }

    /// <summary>Writes one epoch's scalars and histograms, as <see cref="Attach"/> does after each epoch.</summary>
    /// <param name="writer">Where the events go.</param>
    /// <param name="metrics">The epoch's metrics; its number is the step.</param>
    /// <param name="model">The model whose parameters are drawn, or null.</param>
    /// <param name="optimizer">The optimizer whose learning rate is logged, or null.</param>
    public static void Log(SummaryWriter writer, EpochMetrics metrics, Module? model, Optimizer? optimizer = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(metrics);
        long step = metrics.Epoch;
        writer.AddScalar("loss/train", metrics.TrainLoss, step);
        writer.AddScalar("accuracy/train", metrics.TrainAccuracy, step);
        if (metrics.TestLoss is double testLoss) writer.AddScalar("loss/test", testLoss, step);
        if (metrics.TestAccuracy is double testAccuracy) writer.AddScalar("accuracy/test", testAccuracy, step);
        if (optimizer is not null) writer.AddScalar("learning_rate", optimizer.LearningRate, step);
        if (model is not null) writer.AddParameterHistograms(model, step);
        writer.Flush();
    }

    private sealed class Detach(Action detach) : IDisposable
    {
        private Action? _detach = detach;

        public void Dispose()
        {
            _detach?.Invoke();
            _detach = null;
        }
    }
}
