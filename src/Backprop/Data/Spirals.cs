using Backprop.Random;

namespace Backprop.Data;

/// <summary>
/// Interleaved spiral arms, one class per arm: the data set of Stanford CS231n's "minimal
/// neural network case study", from a seeded generator.
/// </summary>
public static class Spirals
{
    /// <summary>
    /// Generates <paramref name="pointsPerClass"/> points on each of <paramref name="classes"/>
    /// arms. On arm j (label j) point i has radius <c>r = i / (n - 1)</c> and angle
    /// <c>t = 4j + 4i / (n - 1) + noise × z</c> with z a standard normal draw, and lies at
    /// <c>(r sin t, r cos t)</c>: numpy's <c>r = linspace(0, 1, n)</c>,
    /// <c>t = linspace(4j, 4(j + 1), n) + randn(n) * noise</c>, arm after arm. Then the
    /// examples are shuffled, as the other generators shuffle theirs, so that
    /// <see cref="Dataset.Split"/> gives both parts every class: with
    /// <c>np.random.seed(seed)</c> before CS231n's loop, the result is CS231n's <c>X</c> and
    /// <c>y</c> taken at <c>np.random.permutation(n * classes)</c>, up to float32 rounding.
    /// </summary>
    /// <remarks>
    /// CS231n uses three arms and noise 0.2. The noise is on the angle, in radians, so it blurs
    /// points near the centre less than points far out.
    /// </remarks>
    /// <param name="pointsPerClass">Number of points on each arm, at least 1.</param>
    /// <param name="classes">Number of arms, at least 1.</param>
    /// <param name="noise">Standard deviation of the angle noise in radians; zero for exact arms.</param>
    /// <param name="seed">Seed of the <see cref="NumpyRandom"/> that draws the noise and the order.</param>
    /// <returns>Features [pointsPerClass × classes, 2] (float32) and labels (Int64, 0 .. classes - 1).</returns>
    /// <exception cref="ArgumentOutOfRangeException">
    /// A count below 1, more points than an array holds, or negative or non-finite noise.
    /// </exception>
    public static Dataset Create(int pointsPerClass, int classes, double noise, uint seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pointsPerClass, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        Generators.CheckNoise("Spirals", noise);
        long total = (long)pointsPerClass * classes;
        if (total * 2 > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(pointsPerClass), $"Spirals: {pointsPerClass} points on each of {classes} arms is {total} points, too many for one array.");

        var random = new NumpyRandom(seed);
        int n = pointsPerClass;
        var points = new double[total][];
        var labels = new int[total];
        for (int j = 0; j < classes; j++)
        {
            double[] angleNoise = random.Randn(n);
            for (int i = 0; i < n; i++)
            {
                double r = Linspace(0, 1, i, n);
                double t = Linspace(4.0 * j, 4.0 * (j + 1), i, n) + angleNoise[i] * noise;
                points[j * n + i] = [r * Math.Sin(t), r * Math.Cos(t)];
                labels[j * n + i] = j;
            }
        }
        (points, labels) = Generators.Shuffle(random, points, labels);
        return Dataset.FromPoints(points, labels, width: 2, classes);
    }

    /// <summary>The i-th of n values of numpy's <c>linspace(start, stop, n)</c>, computed as numpy does.</summary>
    private static double Linspace(double start, double stop, int i, int n)
    {
        if (n == 1) return start;
        if (i == n - 1) return stop;
        return i * ((stop - start) / (n - 1)) + start;
    }
}
