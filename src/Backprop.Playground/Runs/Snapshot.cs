using System.Text.Json.Serialization;

namespace Backprop.Playground.Runs;

/// <summary>A <see cref="Frame"/> plus what the page needs once per reset: the points, the input heatmaps and the settings.</summary>
public sealed class Snapshot : Frame
{
    /// <summary>Every enabled input feature over the 10×10 grid (bytes, base64), in network order.</summary>
    [JsonPropertyOrder(1)] // after the frame's fields, so a snapshot reads as a frame plus these
    public required string InputHeatmaps { get; init; }

    /// <summary>base64 float32 [n × 3]: x1, x2, label of every point, training points first.</summary>
    [JsonPropertyOrder(1)] // after the frame's fields, so a snapshot reads as a frame plus these
    public required string Points { get; init; }

    /// <summary>How many of <see cref="Points"/> are training points.</summary>
    [JsonPropertyOrder(1)] // after the frame's fields, so a snapshot reads as a frame plus these
    public required int TrainCount { get; init; }

    /// <summary>Every setting of the run.</summary>
    [JsonPropertyOrder(1)] // after the frame's fields, so a snapshot reads as a frame plus these
    public required RunSettings Settings { get; init; }
}
