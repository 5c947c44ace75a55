using Backprop.Data;

namespace Backprop.Playground.Runs;

/// <summary>
/// TF Playground's input features: what the network sees of a point (x1, x2), as the library's
/// <see cref="PlaneFeatures"/> computes them (so <c>backprop eval</c> computes the same). The raw
/// values go in unscaled, as in TF (x1 spans [-6, 6], x1² up to 36).
/// </summary>
public static class InputFeatures
{
    /// <summary>The value of feature <paramref name="name"/> at (x1, x2).</summary>
    /// <param name="name">One of <see cref="RunSettings.FeatureNames"/>.</param>
    /// <param name="x1">The first coordinate.</param>
    /// <param name="x2">The second coordinate.</param>
    /// <exception cref="ArgumentException">Unknown feature.</exception>
    public static double Value(string name, double x1, double x2) => PlaneFeatures.Value(name, x1, x2);

    /// <summary>The features of every point as rows, [points.Count, features.Count] row-major float32.</summary>
    /// <param name="features">The enabled features, in network order.</param>
    /// <param name="points">(x1, x2) of each row.</param>
    public static float[] Rows(IReadOnlyList<string> features, IReadOnlyList<(double X1, double X2)> points) => PlaneFeatures.Rows(features, points);
}
