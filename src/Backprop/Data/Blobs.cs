using Backprop.Random;

namespace Backprop.Data;

/// <summary>
/// Isotropic Gaussian clusters, one class per cluster (the construction of scikit-learn's
/// <c>make_blobs</c>), from a seeded generator.
/// </summary>
public static class Blobs
{
    /// <summary>
    /// Generates <paramref name="count"/> points around <paramref name="centers"/> random
    /// centres. The centres are drawn first, uniformly in the box
    /// [<paramref name="boxLow"/>, <paramref name="boxHigh"/>) in every dimension; then as in
    /// <see cref="Create(int, double[][], double, uint)"/>. scikit-learn's
    /// <c>make_blobs(count, features, centers=centers, cluster_std=clusterStd,
    /// center_box=(boxLow, boxHigh), random_state=seed)</c> gives the same data up to float32
    /// rounding.
    /// </summary>
    /// <param name="count">Number of points, at least 1.</param>
    /// <param name="centers">Number of clusters (and classes), at least 1.</param>
    /// <param name="features">Number of dimensions, at least 1.</param>
    /// <param name="clusterStd">Standard deviation of each cluster in every dimension.</param>
    /// <param name="seed">Seed of the <see cref="NumpyRandom"/> that draws the centres, the points and the order.</param>
    /// <param name="boxLow">Lower bound of each centre coordinate (scikit-learn's default).</param>
    /// <param name="boxHigh">Upper bound of each centre coordinate (scikit-learn's default).</param>
    /// <returns>Features [count, features] (float32) and labels [count] (Int64, the cluster), <paramref name="centers"/> classes.</returns>
    /// <exception cref="ArgumentOutOfRangeException">
    /// A count below 1, a negative or non-finite standard deviation, or an empty or non-finite box.
    /// </exception>
    public static Dataset Create(int count, int centers, int features, double clusterStd, uint seed, double boxLow = -10, double boxHigh = 10)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(centers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        CheckStd(clusterStd);
        if (!(boxLow < boxHigh) || double.IsInfinity(boxLow) || double.IsInfinity(boxHigh))
            throw new ArgumentOutOfRangeException(nameof(boxHigh), $"Blobs: the centre box [{boxLow}, {boxHigh}) must be finite and non-empty.");
        CheckSize(count, features);
        if ((long)centers * features > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(centers), $"Blobs: {centers} centres of {features} dimensions are too many for one array.");

        var random = new NumpyRandom(seed);
        var means = new double[centers][];
        for (int c = 0; c < centers; c++)
        {
            means[c] = new double[features];
            for (int d = 0; d < features; d++) means[c][d] = random.Uniform(boxLow, boxHigh);
        }
        return Sample(random, count, means, clusterStd);
    }

    /// <summary>
    /// Generates <paramref name="count"/> points around the given centres: cluster i gets
    /// <c>count / k</c> points (the first <c>count % k</c> clusters one more), each coordinate
    /// the centre's plus a normal draw of standard deviation <paramref name="clusterStd"/>,
    /// drawn cluster after cluster in row-major order; then the points are shuffled.
    /// scikit-learn's <c>make_blobs(count, centers=centers, cluster_std=clusterStd,
    /// random_state=seed)</c> gives the same data up to float32 rounding.
    /// </summary>
    /// <param name="count">Number of points, at least 1.</param>
    /// <param name="centers">The centres, one row each, all of the same (non-zero) length.</param>
    /// <param name="clusterStd">Standard deviation of each cluster in every dimension.</param>
    /// <param name="seed">Seed of the <see cref="NumpyRandom"/> that draws the points and the order.</param>
    /// <returns>Features [count, dimensions] (float32) and labels [count] (Int64, the index of the centre), one class per centre.</returns>
    /// <exception cref="ArgumentException">No centres, centres of different or zero length, or a non-finite coordinate.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A count below 1 or a negative or non-finite standard deviation.</exception>
    public static Dataset Create(int count, double[][] centers, double clusterStd, uint seed)
    {
        ArgumentNullException.ThrowIfNull(centers);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        CheckStd(clusterStd);
        if (centers.Length == 0)
            throw new ArgumentException("Blobs: give at least one centre", nameof(centers));
        int features = centers[0]?.Length ?? 0;
        for (int c = 0; c < centers.Length; c++)
        {
            if (centers[c] is null || centers[c].Length != features || features == 0)
                throw new ArgumentException($"Blobs: centre {c} has {centers[c]?.Length.ToString() ?? "no"} coordinates; every centre needs the same non-zero number ({features} for centre 0)", nameof(centers));
            foreach (double x in centers[c])
            {
                if (!double.IsFinite(x))
                    throw new ArgumentException($"Blobs: centre {c} has a non-finite coordinate ({x})", nameof(centers));
            }
        }
        CheckSize(count, features);
        double[][] means = centers.Select(c => (double[])c.Clone()).ToArray();
        return Sample(new NumpyRandom(seed), count, means, clusterStd);
    }

    private static Dataset Sample(NumpyRandom random, int count, double[][] means, double clusterStd)
    {
        int k = means.Length;
        int features = means[0].Length;
        var points = new double[count][];
        var labels = new int[count];
        int row = 0;
        for (int c = 0; c < k; c++)
        {
            int size = count / k + (c < count % k ? 1 : 0);
            for (int i = 0; i < size; i++, row++)
            {
                var point = new double[features];
                for (int d = 0; d < features; d++) point[d] = random.Normal(means[c][d], clusterStd);
                points[row] = point;
                labels[row] = c;
            }
        }
        (points, labels) = Generators.Shuffle(random, points, labels);
        return Dataset.FromPoints(points, labels, features, classes: k);
    }

    private static void CheckStd(double clusterStd)
    {
        if (!(clusterStd >= 0) || double.IsInfinity(clusterStd))
            throw new ArgumentOutOfRangeException(nameof(clusterStd), clusterStd, "Blobs: the cluster standard deviation must be a finite number >= 0.");
    }

    private static void CheckSize(int count, int features)
    {
        if ((long)count * features > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(count), $"Blobs: {count} points of {features} dimensions are too many for one array.");
    }
}
