using System.Globalization;
using Backprop.Plots;
using Spectre.Console;

namespace Backprop.Cli.Training;

/// <summary>Progress as one plain line per epoch, for output that is not a terminal (Spectre's live bar prints nothing there).</summary>
/// <param name="console">Where the lines go.</param>
public sealed class PlainTrainingProgress(IAnsiConsole console) : ITrainingProgress
{
    private int _epochs;

    /// <inheritdoc/>
    public void Start(int epochs, int batchesPerEpoch)
    {
        _epochs = epochs;
        console.WriteLine($"training: {epochs} epochs of {batchesPerEpoch} steps");
    }

    /// <inheritdoc/>
    public void Batch(int epoch, int batch, double loss) { }

    /// <inheritdoc/>
    public void Epoch(EpochMetrics metrics, double seconds) => console.WriteLine(EpochLine(metrics, _epochs, seconds));

    /// <summary>"epoch 3/20  loss 0.1234  accuracy 97.50%  test loss 0.2000  test accuracy 95.00%  1.2 s".</summary>
    public static string EpochLine(EpochMetrics m, int epochs, double seconds)
    {
        string line = string.Create(CultureInfo.InvariantCulture, $"epoch {m.Epoch}/{epochs}  loss {m.TrainLoss:F4}  accuracy {m.TrainAccuracy * 100:F2}%");
        if (m.TestLoss is double loss && m.TestAccuracy is double accuracy)
            line += string.Create(CultureInfo.InvariantCulture, $"  test loss {loss:F4}  test accuracy {accuracy * 100:F2}%");
        return line + string.Create(CultureInfo.InvariantCulture, $"  {seconds:F1} s");
    }
}
