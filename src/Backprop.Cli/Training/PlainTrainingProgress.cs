using System.Globalization;
using Backprop.Training;
using Spectre.Console;

namespace Backprop.Cli.Training;

/// <summary>Progress as one plain line per epoch, for output that is not a terminal (Spectre's live bar prints nothing there).</summary>
public static class PlainTrainingProgress
{
    /// <summary>Prints the plan when <paramref name="trainer"/> starts and a line after each epoch.</summary>
    /// <param name="trainer">The run.</param>
    /// <param name="console">Where the lines go.</param>
    public static void Attach(Trainer trainer, IAnsiConsole console)
    {
        trainer.Started += (_, plan) => console.WriteLine($"training: {plan.Epochs} epochs of {plan.StepsPerEpoch} steps");
        trainer.EpochCompleted += (_, end) => console.WriteLine(EpochLine(end.Metrics, end.Epochs, end.Seconds));
    }

    /// <summary>"epoch 3/20  loss 0.1234  accuracy 97.50%  test loss 0.2000  test accuracy 95.00%  1.2 s".</summary>
    /// <param name="m">The epoch's metrics.</param>
    /// <param name="epochs">Epochs planned.</param>
    /// <param name="seconds">Training time so far.</param>
    public static string EpochLine(EpochMetrics m, int epochs, double seconds)
    {
        string line = string.Create(CultureInfo.InvariantCulture, $"epoch {m.Epoch}/{epochs}  loss {m.TrainLoss:F4}  accuracy {m.TrainAccuracy * 100:F2}%");
        if (m.TestLoss is double loss && m.TestAccuracy is double accuracy)
            line += string.Create(CultureInfo.InvariantCulture, $"  test loss {loss:F4}  test accuracy {accuracy * 100:F2}%");
        return line + string.Create(CultureInfo.InvariantCulture, $"  {seconds:F1} s");
    }
}
