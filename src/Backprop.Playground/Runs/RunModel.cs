using Backprop.Data;
using Backprop.NN;

namespace Backprop.Playground.Runs;

/// <summary>
/// A run's network and data as <see cref="PlaygroundRun.Inspect{T}"/> lends them to a lab feature
/// (the chain-rule stepper on a run's neuron, the loss landscape around its weights), under the
/// run's lock: valid only inside the call.
/// </summary>
public sealed record RunModel
{
    /// <summary>The network (the library's MLP, plus the output tanh of TF's square loss).</summary>
    public required Mlp Model { get; init; }

    /// <summary>Its Linear layers, input side first.</summary>
    public required IReadOnlyList<Linear> Layers { get; init; }

    /// <summary>The run's settings.</summary>
    public required RunSettings Settings { get; init; }

    /// <summary>Every point, training points first.</summary>
    public required IReadOnlyList<DataPoint> Points { get; init; }

    /// <summary>How many of <see cref="Points"/> are for training.</summary>
    public required int TrainCount { get; init; }

    /// <summary>The training points as the network sees them (features; labels as the loss reads them).</summary>
    public required Dataset Train { get; init; }

    /// <summary>The test points, likewise.</summary>
    public required Dataset Test { get; init; }

    /// <summary>The loss the run trains (data loss plus regularisation) of outputs against a data set's labels.</summary>
    public required Func<Tensor, Tensor, Tensor> Loss { get; init; }

    /// <summary>Epochs trained.</summary>
    public required int Epoch { get; init; }
}
