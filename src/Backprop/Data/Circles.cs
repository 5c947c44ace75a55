using Backprop.Random;

namespace Backprop.Data;

/// <summary>
/// A small circle inside a large one, two classes that no straight line separates (the
/// construction of scikit-learn's <c>make_circles</c>), from a seeded generator.
/// </summary>
public static class Circles
{
    /// <summary>
    /// Generates <paramref name="count"/> points: the outer circle (label 0) has
    /// <c>count / 2</c> points evenly spaced on the unit circle, starting at angle 0 and not
    /// repeating it; the inner circle (label 1) the rest, on the circle of radius
    /// <paramref name="factor"/>. The points are shuffled, then Gaussian noise of standard
    /// deviation <paramref name="noise"/> is added to each coordinate, with the draws
    /// scikit-learn makes: <c>make_circles(count, noise=noise, factor=factor,
    /// random_state=seed)</c> gives the same data up to float32 rounding.
    /// </summary>
    /// <param name="count">Number of points, at least 2.</param>
    /// <param name="noise">Standard deviation of the noise; zero for exact circles.</param>
    /// <param name="seed">Seed of the <see cref="NumpyRandom"/> that shuffles and adds noise.</param>
    /// <param name="factor">Radius of the inner circle, in [0, 1) (scikit-learn's default is 0.8).</param>
    /// <returns>Features [count, 2] (float32) and labels [count] (Int64, 0 outer or 1 inner), two classes.</returns>
    /// <exception cref="ArgumentOutOfRangeException">
    /// Fewer than 2 points, negative or non-finite noise, or a factor outside [0, 1).
    /// </exception>
    public static Dataset Create(int count, double noise, uint seed, double factor = 0.5)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 2);
        Generators.CheckNoise("Circles", noise);
        if (!(factor >= 0 && factor < 1))
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "Circles: the inner circle's radius factor must lie in [0, 1).");

        int outer = count / 2;
        int inner = count - outer;
        var points = new double[count][];
        var labels = new int[count];
        for (int i = 0; i < outer; i++)
        {
            double angle = i * (2 * Math.PI / outer);
            points[i] = [Math.Cos(angle), Math.Sin(angle)];
        }
        for (int i = 0; i < inner; i++)
        {
            double angle = i * (2 * Math.PI / inner);
            points[outer + i] = [Math.Cos(angle) * factor, Math.Sin(angle) * factor];
            labels[outer + i] = 1;
        }

        var random = new NumpyRandom(seed);
        (points, labels) = Generators.Shuffle(random, points, labels);
        Generators.AddNoise(random, points, noise);
        return Dataset.FromPoints(points, labels, width: 2, classes: 2);
    }
}
