using Backprop.Random;

namespace Backprop.Data;

/// <summary>The steps the point-set generators share, each as scikit-learn takes it.</summary>
internal static class Generators
{
    /// <summary>Rejects a negative, NaN or infinite noise level.</summary>
    public static void CheckNoise(string generator, double noise)
    {
        if (!(noise >= 0) || double.IsInfinity(noise))
            throw new ArgumentOutOfRangeException(nameof(noise), noise, $"{generator}: noise must be a finite number >= 0.");
    }

    /// <summary>
    /// Points and labels in a random order, as scikit-learn's <c>shuffle</c> reorders them:
    /// <c>indices = arange(n); random.shuffle(indices)</c>, then both arrays taken at those indices.
    /// </summary>
    public static (double[][] Points, int[] Labels) Shuffle(NumpyRandom random, double[][] points, int[] labels)
    {
        int[] order = Dataset.Permutation(random, points.Length);
        var shuffledPoints = new double[points.Length][];
        var shuffledLabels = new int[labels.Length];
        for (int i = 0; i < order.Length; i++)
        {
            shuffledPoints[i] = points[order[i]];
            shuffledLabels[i] = labels[order[i]];
        }
        return (shuffledPoints, shuffledLabels);
    }

    /// <summary>
    /// Adds <c>random.normal(scale=noise, size=X.shape)</c> to the points, drawn in row-major
    /// order; zero noise leaves them alone and draws nothing (scikit-learn's <c>noise=None</c>).
    /// </summary>
    public static void AddNoise(NumpyRandom random, double[][] points, double noise)
    {
        if (noise == 0) return;
        foreach (double[] point in points)
        {
            for (int j = 0; j < point.Length; j++) point[j] += random.Normal(0, noise);
        }
    }
}
