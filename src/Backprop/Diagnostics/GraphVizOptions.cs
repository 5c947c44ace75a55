namespace Backprop;

/// <summary>How <see cref="GraphViz"/> draws a computation graph.</summary>
public sealed record GraphVizOptions
{
    /// <summary>The default <see cref="MaxNodes"/>: 10,000.</summary>
    public const int DefaultMaxNodes = 10_000;

    /// <summary>
    /// The most values (or tensors) drawn. A larger graph is cut to the nodes nearest the output
    /// (breadth first), and one note node says how many were left out, so a drawing of a huge
    /// graph stays a file of a few megabytes at most. Op nodes are not counted: each drawn value
    /// brings at most one. Must be at least 1.
    /// </summary>
    public int MaxNodes { get; init; } = DefaultMaxNodes;

    /// <summary>A caption drawn above the graph, or <see langword="null"/> for none.</summary>
    public string? Title { get; init; }

    /// <summary>Checks the options, naming the one that is wrong.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="MaxNodes"/> is below 1.</exception>
    internal void Validate()
    {
        if (MaxNodes < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxNodes), MaxNodes, $"GraphVizOptions.MaxNodes must be at least 1, got {MaxNodes}");
    }
}
