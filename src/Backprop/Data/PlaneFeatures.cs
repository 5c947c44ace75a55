namespace Backprop.Data;

/// <summary>
/// TensorFlow Playground's input features of a point in the plane: x1, x2, x1², x2², x1·x2,
/// sin x1, sin x2. The playground trains on them and records them in its model files, so
/// <c>backprop eval</c> computes them from a two-column data set the same way.
/// </summary>
public static class PlaneFeatures
{
    /// <summary>Every feature's name, in the order a network takes them.</summary>
    public static readonly IReadOnlyList<string> Names = ["x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2"];

    /// <summary>The value of feature <paramref name="name"/> at (x1, x2).</summary>
    /// <param name="name">One of <see cref="Names"/>.</param>
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
        _ => throw new ArgumentException($"PlaneFeatures: unknown feature '{name}' (expected {string.Join(", ", Names)})", nameof(name)),
    };

    /// <summary>The features of every point as rows, [points.Count, features.Count] row-major.</summary>
    /// <param name="features">The features, in network order.</param>
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

    /// <summary>A data set of two-column points with <paramref name="features"/> in place of the columns (same labels and classes).</summary>
    /// <param name="data">Points with exactly two features.</param>
    /// <param name="features">The features to compute.</param>
    /// <exception cref="ArgumentException">The data set does not have two features, or a feature is unknown.</exception>
    public static Dataset Apply(Dataset data, IReadOnlyList<string> features)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(features);
        if (data.FeatureCount != 2) throw new ArgumentException($"PlaneFeatures: the data set has {data.FeatureCount} features; plane features are computed from 2", nameof(data));
        float[] xy = data.Features.ToFloatArray();
        var points = new (double, double)[data.Count];
        for (int i = 0; i < points.Length; i++) points[i] = (xy[2 * i], xy[2 * i + 1]);
        return new Dataset(Tensor.FromArray(Rows(features, points), data.Count, features.Count), data.Labels, data.Classes);
    }
}
