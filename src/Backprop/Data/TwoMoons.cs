using Backprop.Random;

namespace Backprop.Data;

/// <summary>
/// Two interleaving half circles in the plane, the classic toy classification problem (the
/// construction of scikit-learn's <c>make_moons</c>), from a seeded generator.
/// </summary>
public static class TwoMoons
{
    /// <summary>
    /// Generates <paramref name="count"/> points: the upper moon (label 0) has
    /// <c>count / 2</c> points on the unit half circle, the lower moon (label 1) the rest,
    /// shifted to (1, 0.5) and flipped; the points are shuffled, then Gaussian noise of standard
    /// deviation <paramref name="noise"/> is added to each coordinate.
    /// </summary>
    /// <param name="count">Number of points, at least 2.</param>
    /// <param name="noise">Standard deviation of the noise; zero for exact half circles.</param>
    /// <param name="seed">Seed of the <see cref="NumpyRandom"/> that shuffles and adds noise.</param>
    /// <returns>Points as rows of (x, y) and their labels, 0 or 1.</returns>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than 2 points, or negative or non-finite noise.</exception>
    public static (double[][] Points, int[] Labels) Generate(int count, double noise, uint seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 2);
        if (!(noise >= 0) || double.IsInfinity(noise))
            throw new ArgumentOutOfRangeException(nameof(noise), noise, "TwoMoons: noise must be a finite number >= 0.");

        int outer = count / 2;
        int inner = count - outer;
        var points = new double[count][];
        var labels = new int[count];
        for (int i = 0; i < outer; i++)
        {
            double angle = Linspace(i, outer);
            points[i] = [Math.Cos(angle), Math.Sin(angle)];
        }
        for (int i = 0; i < inner; i++)
        {
            double angle = Linspace(i, inner);
            points[outer + i] = [1 - Math.Cos(angle), 1 - Math.Sin(angle) - 0.5];
            labels[outer + i] = 1;
        }

        var random = new NumpyRandom(seed);
        int[] order = Enumerable.Range(0, count).ToArray();
        random.Shuffle<int>(order);
        var shuffledPoints = new double[count][];
        var shuffledLabels = new int[count];
        for (int i = 0; i < count; i++)
        {
            shuffledPoints[i] = points[order[i]];
            shuffledLabels[i] = labels[order[i]];
        }
        foreach (double[] point in shuffledPoints)
        {
            point[0] += random.Normal(0, noise);
            point[1] += random.Normal(0, noise);
        }
        return (shuffledPoints, shuffledLabels);
    }

    /// <summary>
    /// The same points as <see cref="Generate"/>, as a <see cref="Dataset"/>: features
    /// [count, 2] (float32) and labels [count] (Int64, 0 or 1), two classes.
    /// </summary>
    /// <param name="count">Number of points, at least 2.</param>
    /// <param name="noise">Standard deviation of the noise; zero for exact half circles.</param>
    /// <param name="seed">Seed of the <see cref="NumpyRandom"/> that shuffles and adds noise.</param>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than 2 points, or negative or non-finite noise.</exception>
    public static Dataset Create(int count, double noise, uint seed)
    {
        (double[][] points, int[] labels) = Generate(count, noise, seed);
        return Dataset.FromPoints(points, labels, width: 2, classes: 2);
    }

    /// <summary>The i-th of n evenly spaced angles from 0 to π inclusive, as <c>np.linspace(0, pi, n)</c>.</summary>
    private static double Linspace(int i, int n) => n == 1 ? 0 : Math.PI * i / (n - 1);
}
