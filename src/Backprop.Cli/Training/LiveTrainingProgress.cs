using System.Globalization;
using Backprop.Training;
using Spectre.Console;

namespace Backprop.Cli.Training;

/// <summary>
/// A Spectre.Console progress bar over all steps (with elapsed and remaining time), its
/// description showing the epoch, the running loss and the latest accuracy.
/// </summary>
public static class LiveTrainingProgress
{
    /// <summary>The columns of the bar.</summary>
    public static ProgressColumn[] Columns() =>
        [new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn()];

    /// <summary>Drives a task of <paramref name="context"/> from <paramref name="trainer"/>'s events.</summary>
    /// <param name="trainer">The run.</param>
    /// <param name="context">The live progress context.</param>
    public static void Attach(Trainer trainer, ProgressContext context)
    {
        ProgressTask? task = null;
        string accuracy = "";
        double lastLoss = double.NaN;
        int epochs = 0;
        void Describe(int epoch) => task!.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"epoch {epoch}/{epochs}  loss {lastLoss:F4}{accuracy}"));
        trainer.Started += (_, plan) =>
        {
            epochs = plan.Epochs;
            task = context.AddTask("training", maxValue: Math.Max(1, plan.TotalSteps));
        };
        trainer.StepCompleted += (_, step) =>
        {
            task!.Increment(1);
            lastLoss = step.Loss;
            Describe(step.Epoch);
        };
        trainer.EpochCompleted += (_, end) =>
        {
            EpochMetrics m = end.Metrics;
            double shown = m.TestAccuracy ?? m.TrainAccuracy;
            accuracy = string.Create(CultureInfo.InvariantCulture, $"  {(m.TestAccuracy is null ? "accuracy" : "test accuracy")} {shown * 100:F2}%");
            Describe(m.Epoch); // the last frame shows the last epoch's accuracy, not the one before
        };
    }
}
