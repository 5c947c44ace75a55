using System.Globalization;
using System.Text;
using Backprop.IO;
using Backprop.Training;

namespace Backprop.Cli.Training;

/// <summary><c>metrics.csv</c>: one row per epoch (loss and accuracy, train and test).</summary>
public static class MetricsCsv
{
    /// <summary>Writes the rows, atomically.</summary>
    /// <param name="path">The file.</param>
    /// <param name="epochs">The metrics of each epoch.</param>
    public static void Write(string path, IReadOnlyList<EpochMetrics> epochs)
    {
        var text = new StringBuilder("epoch,train_loss,train_accuracy,test_loss,test_accuracy\n");
        foreach (EpochMetrics e in epochs)
        {
            text.Append(string.Create(CultureInfo.InvariantCulture,
                $"{e.Epoch},{e.TrainLoss:R},{e.TrainAccuracy:R},{(e.TestLoss is double l ? l.ToString("R", CultureInfo.InvariantCulture) : "")},{(e.TestAccuracy is double a ? a.ToString("R", CultureInfo.InvariantCulture) : "")}\n"));
        }
        AtomicFile.WriteAllText(path, text.ToString());
    }
}
