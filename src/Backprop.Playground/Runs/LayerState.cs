using System.Text.Json.Serialization;

namespace Backprop.Playground.Runs;

/// <summary>One Linear layer in a snapshot or frame; the arrays are base64 float32 little-endian.</summary>
public sealed record LayerState
{
    /// <summary>Inputs of the layer.</summary>
    public required int Inputs { get; init; }

    /// <summary>Outputs (neurons) of the layer.</summary>
    public required int Outputs { get; init; }

    /// <summary>[outputs × inputs] row-major: weight[to, from].</summary>
    public required string Weights { get; init; }

    /// <summary>[outputs].</summary>
    public required string Biases { get; init; }

    /// <summary>dL/dW of the last step (frames: view=gradients only).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? WeightGrads { get; init; }

    /// <summary>dL/db of the last step (frames: view=gradients only).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? BiasGrads { get; init; }

    /// <summary>ΔW of the last step (frames: view=updates only).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? WeightUpdates { get; init; }

    /// <summary>Δb of the last step (frames: view=updates only).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? BiasUpdates { get; init; }

    /// <summary>[outputs]: mean dL/dz over the last batch, z the pre-activation.</summary>
    public required string NodeGrads { get; init; }
}
