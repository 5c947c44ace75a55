namespace Backprop.Playground.Runs;

/// <summary>
/// TF Playground's input features: what the network sees of a point (x1, x2). The raw values go
/// in unscaled, as in TF (x1 spans [-6, 6], x1² up to 36).
/// </summary>
public static class InputFeatures
{
    /// <summary>The value of feature <paramref name="name"/> at (x1, x2).</summary>
    /// <param name="name">One of <see cref="RunSettings.FeatureNames"/>.</param>
    /// <param name="x1">The first coordinate.</param>
    /// <param name="x2">The second coordinate.</param>
    /// <exception cref="ArgumentException">Unknown feature.</exception>
    public static double Value(string name, double x1, double x2) => name switch
    {
        "x1" => x1,
        "x2" => x2,
        "x1sq" => x1 * x1,
        "x2sq" => x2 * x2,
        "x1x2" => x1 * x2,
        "sinx1" => Math.Sin(x1),
        "sinx2" => Math.Sin(x2),
        _ => throw new ArgumentException($"InputFeatures: unknown feature '{name}'", nameof(name)),
    };

    /// <summary>The features of every point as rows, [points.Count, features.Count] row-major float32.</summary>
    /// <param name="features">The enabled features, in network order.</param>
    /// <param name="points">(x1, x2) of each row.</param>
    public static float[] Rows(IReadOnlyList<string> features, IReadOnlyList<(double X1, double X2)> points)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(points);
        var rows = new float[points.Count * features.Count];
        for (int i = 0; i < points.Count; i++)
        {
            for (int f = 0; f < features.Count; f++) rows[i * features.Count + f] = (float)Value(features[f], points[i].X1, points[i].X2);
        }
        return rows;
    }
}
