namespace Backprop.Playground.Runs;

/// <summary>
/// What the page draws after each change: the run's state, its layers, heatmaps and gradient
/// flow. Streamed as an SSE <c>frame</c> event; <see cref="Snapshot"/> adds what only changes on
/// reset. Numbers that are not finite (a diverged run) are null.
/// </summary>
public class Frame
{
    /// <summary>The run's id.</summary>
    public required string Id { get; init; }

    /// <summary>Grows with every change of the run, so a reader can tell frames apart.</summary>
    public required long Version { get; init; }

    /// <summary>Epochs trained.</summary>
    public required int Epoch { get; init; }

    /// <summary>Optimizer steps taken.</summary>
    public required int Steps { get; init; }

    /// <summary>running, paused, diverged or done.</summary>
    public required string Status { get; init; }

    /// <summary>Why the run diverged (names the layer and the op) or finished; null otherwise.</summary>
    public string? Message { get; init; }

    /// <summary>Mean loss on the training points.</summary>
    public double? TrainLoss { get; init; }

    /// <summary>Mean loss on the test points.</summary>
    public double? TestLoss { get; init; }

    /// <summary>Share of training points classified right; null for a regression.</summary>
    public double? TrainAccuracy { get; init; }

    /// <summary>Share of test points classified right; null for a regression.</summary>
    public double? TestAccuracy { get; init; }

    /// <summary>One entry per Linear layer, input side first.</summary>
    public required IReadOnlyList<LayerState> Layers { get; init; }

    /// <summary>Every neuron and the output over the grid.</summary>
    public required HeatmapState Heatmaps { get; init; }

    /// <summary>The gradient-flow statistics of the last step.</summary>
    public required GradientFlowState GradientFlow { get; init; }
}
