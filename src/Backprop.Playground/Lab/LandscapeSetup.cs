using System.Text.Json;

namespace Backprop.Playground.Lab;

/// <summary>What slice of the loss to compute, validated.</summary>
/// <param name="Resolution">Points per side of the grid, odd, 5–<see cref="MaxResolution"/> (odd, so one point is the centre).</param>
/// <param name="Span">The grid covers α, β in [-Span, Span]; 0 picks it (1 for random directions, the path's extent for the trajectory plane).</param>
/// <param name="Directions">"random" (two filter-normalised random directions) or "trajectory" (the plane of first, middle and last weights).</param>
/// <param name="Seed">Seed of the random directions.</param>
public sealed record LandscapeSetup(int Resolution, double Span, string Directions, uint Seed)
{
    /// <summary>The finest grid: 41 × 41 = 1,681 evaluations of the training loss.</summary>
    public const int MaxResolution = 41;

    /// <summary>The widest span.</summary>
    public const double MaxSpan = 100;

    /// <summary>Reads <c>{resolution, span, directions, seed}</c>, every field optional.</summary>
    /// <param name="body">The JSON body.</param>
    /// <exception cref="LabRequestException">A field out of range, or unknown.</exception>
    public static LandscapeSetup Parse(JsonElement body)
    {
        var fields = new LabFields(body, "resolution", "span", "directions", "seed");
        int resolution = (int)fields.Integer("resolution", 5, MaxResolution, 21);
        if (resolution % 2 == 0) throw new LabRequestException($"resolution must be odd (so the grid has a centre), got {resolution}");
        return new LandscapeSetup(
            resolution,
            fields.Number("span", 0, MaxSpan, 0),
            fields.Choice("directions", ["random", "trajectory"], "random"),
            (uint)fields.Integer("seed", 0, uint.MaxValue, 1));
    }
}
