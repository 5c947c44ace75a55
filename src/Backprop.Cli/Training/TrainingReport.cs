using System.Globalization;
using Backprop.Plots;

namespace Backprop.Cli.Training;

/// <summary>What a training run produced.</summary>
/// <param name="Epochs">Metrics per finished epoch.</param>
/// <param name="Steps">Optimizer steps taken.</param>
/// <param name="Seconds">Training wall time (evaluation excluded).</param>
/// <param name="Interrupted">Whether Ctrl+C stopped it early.</param>
/// <param name="GradFlow">The gradient-flow recorder of the run (<c>--gradflow</c>), or null.</param>
public sealed record TrainingReport(IReadOnlyList<EpochMetrics> Epochs, int Steps, double Seconds, bool Interrupted,
    Backprop.Diagnostics.GradientFlowRecorder? GradFlow = null)
{
    /// <summary>Writes <c>metrics.csv</c>: one row per epoch (loss and accuracy, train and test).</summary>
    /// <param name="path">The file.</param>
    public void WriteCsv(string path)
    {
        var text = new System.Text.StringBuilder("epoch,train_loss,train_accuracy,test_loss,test_accuracy\n");
        foreach (EpochMetrics e in Epochs)
        {
            text.Append(string.Create(CultureInfo.InvariantCulture,
                $"{e.Epoch},{e.TrainLoss:R},{e.TrainAccuracy:R},{(e.TestLoss is double l ? l.ToString("R", CultureInfo.InvariantCulture) : "")},{(e.TestAccuracy is double a ? a.ToString("R", CultureInfo.InvariantCulture) : "")}\n"));
        }
        Backprop.IO.AtomicFile.WriteAllText(path, text.ToString());
    }
}
