using Backprop.NN;
using Backprop.Playground.Lab;

namespace Backprop.Playground.Runs;

/// <summary>A run's internals as <see cref="PlaygroundRun.Inspect{T}"/> lends them to the lab (valid only inside the call).</summary>
/// <param name="Settings">The run's settings.</param>
/// <param name="Model">The network (Linear layers, hidden activations, the output tanh of TF's square loss).</param>
/// <param name="Layers">The Linear layers, input side first.</param>
/// <param name="Points">Every point, the training points first.</param>
/// <param name="TrainCount">How many of <paramref name="Points"/> are training points.</param>
/// <param name="Targets">The square loss's target per point (±1 for a classification, the value for a regression).</param>
/// <param name="Trajectory">The weights after each epoch since the run was (re)built.</param>
/// <param name="Epoch">Epochs trained.</param>
/// <param name="Status">running, paused, diverged or done.</param>
/// <param name="TrainLoss">The training loss for the weights the model holds now, as the run's metrics compute it.</param>
public sealed record RunInternals(
    RunSettings Settings,
    Mlp Model,
    IReadOnlyList<Linear> Layers,
    IReadOnlyList<DataPoint> Points,
    int TrainCount,
    IReadOnlyList<float> Targets,
    Trajectory Trajectory,
    int Epoch,
    string Status,
    Func<double> TrainLoss);
