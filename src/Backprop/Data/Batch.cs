namespace Backprop.Data;

/// <summary>One batch of examples from a <see cref="DataLoader"/>.</summary>
/// <param name="Features">The examples: a float32 tensor of shape [B, D], a new copy.</param>
/// <param name="Labels">Their classes: an Int64 tensor of shape [B], a new copy.</param>
public readonly record struct Batch(Tensor Features, Tensor Labels)
{
    /// <summary>The number of examples in the batch (B); the last batch of an epoch may be smaller than the rest.</summary>
    public int Count => Labels.Shape[0];
}
