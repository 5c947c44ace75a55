namespace Backprop.Playground.Runs;

/// <summary>
/// The network's outputs over the grid [-6, 6]², quantised to bytes (base64): a byte is
/// round((clamp(v, -1, 1) + 1) / 2 · 255); row 0 is the top (x2 = +6), x1 runs left to right.
/// </summary>
public sealed record HeatmapState
{
    /// <summary>Side of each neuron's heatmap (10).</summary>
    public required int Size { get; init; }

    /// <summary>Every hidden neuron (input side first), then the output, size² bytes each.</summary>
    public required string Neurons { get; init; }

    /// <summary>Side of the decision heatmap (50).</summary>
    public required int OutputSize { get; init; }

    /// <summary>The output (for cross entropy 2·p(class 1) − 1), outputSize² bytes.</summary>
    public required string Output { get; init; }

    /// <summary>The most probable class of each cell, outputSize² bytes; multi-class runs only, else null.</summary>
    public string? OutputClass { get; init; }
}
