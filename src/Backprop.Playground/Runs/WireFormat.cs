using System.Runtime.InteropServices;

namespace Backprop.Playground.Runs;

/// <summary>How arrays travel in snapshots and frames: base64 of little-endian float32, or of quantised bytes.</summary>
public static class WireFormat
{
    /// <summary>base64 of the floats' bytes (little-endian, as every machine .NET runs the playground on).</summary>
    /// <param name="values">The values.</param>
    public static string Floats(ReadOnlySpan<float> values) => Convert.ToBase64String(MemoryMarshal.AsBytes(values));

    /// <summary>The floats of a base64 string made by <see cref="Floats"/>.</summary>
    /// <param name="base64">The text.</param>
    public static float[] ParseFloats(string base64) => MemoryMarshal.Cast<byte, float>(Convert.FromBase64String(base64)).ToArray();

    /// <summary>A heatmap byte: round((clamp(v, -1, 1) + 1) / 2 · 255); NaN is the middle, 128.</summary>
    /// <param name="value">The value.</param>
    public static byte Quantise(double value) =>
        double.IsNaN(value) ? (byte)128 : (byte)Math.Round((Math.Clamp(value, -1, 1) + 1) / 2 * 255, MidpointRounding.AwayFromZero);

    /// <summary>A number for JSON: null when not finite (JSON has no NaN), else rounded to 4 significant digits (what the page shows; keeps frames small).</summary>
    /// <param name="value">The value.</param>
    public static double? Number(double value) => double.IsFinite(value) ? double.Parse(value.ToString("G4", System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture) : null;

    /// <summary><see cref="Number(double)"/> of an optional value.</summary>
    /// <param name="value">The value, or null.</param>
    public static double? Number(double? value) => value is double v ? Number(v) : null;
}
