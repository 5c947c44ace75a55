using System.Diagnostics;
using System.Globalization;
using Backprop.Cli.Commands;
using Backprop.NN;
using Backprop.Optim;
using Backprop.TensorBoard;
using Backprop.Training;

namespace Backprop.Cli.Training;

/// <summary>
/// The event file of <c>backprop train --tensorboard DIR</c>: the library's
/// <see cref="TrainingLog"/> after each epoch, timed, so the run can say what the logging cost.
/// </summary>
public sealed class TensorBoardLog : IDisposable
{
    private readonly SummaryWriter _writer;
    private readonly Trainer _trainer;
    private readonly Module _model;
    private readonly Optimizer? _optimizer;
    private readonly Stopwatch _clock = new();

    private TensorBoardLog(SummaryWriter writer, Trainer trainer, Module model, Optimizer? optimizer)
    {
        (_writer, _trainer, _model, _optimizer) = (writer, trainer, model, optimizer);
        _trainer.EpochCompleted += Log;
    }

    /// <summary>Starts a new event file in <paramref name="dir"/> (checked writable before the run by <see cref="OutputFolder.Prepare"/>) and logs <paramref name="trainer"/>'s epochs into it.</summary>
    /// <param name="dir">The <c>--tensorboard</c> folder.</param>
    /// <param name="trainer">The run.</param>
    /// <param name="model">Its model (weights and gradients are drawn).</param>
    /// <param name="optimizer">Its optimizer (the learning rate is logged), or null.</param>
    /// <exception cref="CommandFailedException">The file cannot be created.</exception>
    public static TensorBoardLog Open(string dir, Trainer trainer, Module model, Optimizer? optimizer)
    {
        try
        {
            return new TensorBoardLog(new SummaryWriter(dir), trainer, model, optimizer);
        }
        catch (IOException e)
        {
            throw new CommandFailedException($"--tensorboard: {e.Message}", e);
        }
    }

    /// <summary>The event file.</summary>
    public string FilePath => _writer.FilePath;

    /// <summary>Epochs logged.</summary>
    public int Epochs { get; private set; }

    /// <summary>Time spent logging them (histograms, writes, flushes).</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>The closing line: epochs logged, the file, and the logging's time beside the training's.</summary>
    /// <param name="trainingSeconds">The run's training time (<see cref="TrainingResult.Seconds"/>).</param>
    public string Summary(double trainingSeconds) => string.Create(CultureInfo.InvariantCulture,
        $"tensorboard: {Epochs} epochs logged to {ConsoleText.Printable(FilePath)} in {Elapsed.TotalMilliseconds:F0} ms ({Elapsed.TotalSeconds / Math.Max(trainingSeconds, 1e-9) * 100:F1} % of the training time)");

    /// <summary>Stops logging and closes the file (flushed to the disk).</summary>
    public void Dispose()
    {
        _trainer.EpochCompleted -= Log;
        _writer.Dispose();
    }

    private void Log(object? sender, EpochEnd end)
    {
        _clock.Start();
        TrainingLog.Log(_writer, end.Metrics, _model, _optimizer);
        _clock.Stop();
        Epochs++;
    }
}
