using Backprop.Playground.Lab;
using Backprop.Training;

namespace Backprop.Playground.Runs;

/// <summary>What the lab reads from a run: its model, data and recorded path, under the run's lock.</summary>
public sealed partial class PlaygroundRun
{
    private readonly Trajectory _trajectory = new();

    /// <summary>
    /// Lets the lab read (and, for a landscape, move and put back) the run's model under the
    /// run's lock, so no training step runs in between. Counts as a use of the run.
    /// </summary>
    /// <typeparam name="T">What the reader returns.</typeparam>
    /// <param name="read">Reads the run's internals; must leave the weights as it found them.</param>
    public T Inspect<T>(Func<RunInternals, T> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        lock (Gate)
        {
            Touch();
            return read(new RunInternals(_settings, _model, _linears, _points, _trainCount, _targetValues, _trajectory,
                _trainer.CompletedEpochs, _status, TrainLoss));
        }
    }

    /// <summary>
    /// The training loss for the weights the model holds now, computed exactly as the run's
    /// metrics compute it (the library's evaluation with the run's scoring), so a landscape's
    /// centre equals the snapshot's train loss.
    /// </summary>
    private double TrainLoss() => Evaluation.Epoch(_model, _train, null, 0, _settings.IsCrossEntropy ? null : SquareScore).TrainLoss;

    private void StartTrajectory()
    {
        _trajectory.Clear();
        RecordTrajectory();
    }

    private void RecordTrajectory() => _trajectory.Add(_trainer.CompletedEpochs, ParameterVector.Read(_linears));
}
