using System.Globalization;
using Backprop.Plots;
using Spectre.Console;

namespace Backprop.Cli.Training;

/// <summary>A Spectre.Console progress bar over all steps, its description showing the epoch, the running loss and the last accuracy.</summary>
/// <param name="context">The live progress context.</param>
public sealed class LiveTrainingProgress(ProgressContext context) : ITrainingProgress
{
    private ProgressTask? _task;
    private int _epochs;
    private string _accuracy = "";

    /// <inheritdoc/>
    public void Start(int epochs, int batchesPerEpoch)
    {
        _epochs = epochs;
        _task = context.AddTask("training", maxValue: Math.Max(1, epochs * batchesPerEpoch));
    }

    /// <inheritdoc/>
    public void Batch(int epoch, int batch, double loss)
    {
        _task!.Increment(1);
        _task.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"epoch {epoch}/{_epochs}  loss {loss:F4}{_accuracy}"));
    }

    /// <inheritdoc/>
    public void Epoch(EpochMetrics metrics, double seconds)
    {
        double shown = metrics.TestAccuracy ?? metrics.TrainAccuracy;
        _accuracy = string.Create(CultureInfo.InvariantCulture, $"  {(metrics.TestAccuracy is null ? "accuracy" : "test accuracy")} {shown * 100:F2}%");
    }
}
