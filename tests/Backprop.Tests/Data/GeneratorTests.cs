using Backprop.Data;
using Backprop.Random;

namespace Backprop.Tests.Data;

/// <summary>
/// The seeded point-set generators <see cref="Circles"/>, <see cref="Spirals"/> and
/// <see cref="Blobs"/>: their geometry without noise, their class counts, determinism and
/// argument errors.
/// </summary>
public class GeneratorTests
{
    private static (double X, double Y, long Label)[] Points(Dataset data)
    {
        float[] f = data.Features.ToArray<float>();
        long[] l = data.Labels.ToArray<long>();
        return Enumerable.Range(0, data.Count).Select(i => ((double)f[2 * i], (double)f[2 * i + 1], l[i])).ToArray();
    }

    [Fact]
    public void CirclesWithoutNoiseLieOnTheTwoCircles()
    {
        Dataset data = Circles.Create(101, noise: 0, seed: 7, factor: 0.3);
        Assert.Equal(2, data.Classes);
        Assert.Equal([50, 51], data.ClassCounts());
        foreach ((double x, double y, long label) in Points(data))
            Assert.Equal(label == 0 ? 1.0 : 0.3, Math.Sqrt(x * x + y * y), 1e-6);
        // each circle's points are evenly spaced from angle 0, without repeating it
        double[] outerAngles = Points(data).Where(p => p.Label == 0).Select(p => Math.Atan2(p.Y, p.X)).Select(a => a < -1e-6 ? a + 2 * Math.PI : a).Order().ToArray();
        for (int i = 0; i < 50; i++) Assert.Equal(i * 2 * Math.PI / 50, outerAngles[i], 1e-5);
    }

    [Fact]
    public void CirclesAreShuffledAndNoisyWithADefaultFactorOfOneHalf()
    {
        Dataset data = Circles.Create(400, noise: 0.05, seed: 1);
        var points = Points(data);
        Assert.NotEqual(points.Select(p => p.Label), points.Select(p => p.Label).Order());
        double inner = points.Where(p => p.Label == 1).Average(p => Math.Sqrt(p.X * p.X + p.Y * p.Y));
        double outer = points.Where(p => p.Label == 0).Average(p => Math.Sqrt(p.X * p.X + p.Y * p.Y));
        Assert.Equal(0.5, inner, 1);
        Assert.Equal(1.0, outer, 1);
        Assert.Contains(points, p => Math.Abs(Math.Sqrt(p.X * p.X + p.Y * p.Y) - (p.Label == 0 ? 1 : 0.5)) > 0.01);
    }

    [Fact]
    public void CirclesFollowScikitLearnsDraws()
    {
        // make_circles shuffles arange(n) with the generator, then adds normal(scale=noise) in row-major order.
        Dataset exact = Circles.Create(10, noise: 0, seed: 11);
        Dataset noisy = Circles.Create(10, noise: 0.1, seed: 11);
        var random = new NumpyRandom(11);
        random.Shuffle<int>(new int[10]);
        float[] a = exact.Features.ToArray<float>(), b = noisy.Features.ToArray<float>();
        for (int i = 0; i < a.Length; i++) Assert.Equal(b[i], (float)(a[i] + random.Normal(0, 0.1)), 1e-6f);
        Assert.Equal(exact.Labels.ToArray<long>(), noisy.Labels.ToArray<long>());
    }

    /// <summary>CS231n's spiral points and the shuffled order they come in, from the same draws.</summary>
    private static (double X, double Y, long Label)[] ExpectedSpirals(int n, int classes, double noise, uint seed)
    {
        var random = new NumpyRandom(seed);
        var points = new (double X, double Y, long Label)[n * classes];
        for (int j = 0; j < classes; j++)
        {
            double[] z = random.Randn(n);
            for (int i = 0; i < n; i++)
            {
                double r = i / (n - 1.0), t = 4.0 * j + 4.0 * i / (n - 1) + noise * z[i];
                points[j * n + i] = (r * Math.Sin(t), r * Math.Cos(t), j);
            }
        }
        int[] order = Enumerable.Range(0, n * classes).ToArray();
        random.Shuffle<int>(order);
        return order.Select(k => points[k]).ToArray();
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.2)]
    public void SpiralsFollowTheirArmsInAShuffledOrder(double noise)
    {
        const int n = 50;
        Dataset data = Spirals.Create(n, classes: 3, noise, seed: 5);
        Assert.Equal(150, data.Count);
        Assert.Equal(3, data.Classes);
        Assert.Equal([n, n, n], data.ClassCounts());
        var points = Points(data);
        var expected = ExpectedSpirals(n, 3, noise, seed: 5);
        for (int k = 0; k < points.Length; k++)
        {
            Assert.Equal(expected[k].Label, points[k].Label);
            Assert.Equal(expected[k].X, points[k].X, 1e-6);
            Assert.Equal(expected[k].Y, points[k].Y, 1e-6);
        }
        Assert.NotEqual(points.Select(p => p.Label), points.Select(p => p.Label).Order());
        (Dataset train, Dataset test) = data.Split(0.2);
        Assert.All(train.ClassCounts(), c => Assert.True(c > 0));
        Assert.All(test.ClassCounts(), c => Assert.True(c > 0));
    }

    [Fact]
    public void SpiralsWithoutNoiseLieOnTheirArms()
    {
        // arm j is the curve (r sin t, r cos t) with t = 4 (j + r), r in [0, 1]
        foreach ((double x, double y, long label) in Points(Spirals.Create(40, classes: 4, noise: 0, seed: 1)))
        {
            double r = Math.Sqrt(x * x + y * y), t = 4 * (label + r);
            Assert.Equal(r * Math.Sin(t), x, 1e-6);
            Assert.Equal(r * Math.Cos(t), y, 1e-6);
        }
    }

    [Fact]
    public void BlobsGatherAroundTheirCentres()
    {
        double[][] centres = [[0, 0, 0], [10, 0, -5], [-10, 10, 5]];
        Dataset data = Blobs.Create(1000, centres, clusterStd: 0.5, seed: 3);
        Assert.Equal(3, data.FeatureCount);
        Assert.Equal(3, data.Classes);
        Assert.Equal([334, 333, 333], data.ClassCounts());
        float[] f = data.Features.ToArray<float>();
        long[] labels = data.Labels.ToArray<long>();
        Assert.NotEqual(labels, labels.Order());
        for (int c = 0; c < 3; c++)
        {
            int[] rows = Enumerable.Range(0, 1000).Where(i => labels[i] == c).ToArray();
            for (int d = 0; d < 3; d++)
            {
                double mean = rows.Average(i => f[3 * i + d]);
                double std = Math.Sqrt(rows.Average(i => (f[3 * i + d] - mean) * (f[3 * i + d] - mean)));
                Assert.Equal(centres[c][d], mean, 0.1);
                Assert.Equal(0.5, std, 0.06);
            }
        }
    }

    [Fact]
    public void BlobsDrawRandomCentresInTheBoxFirst()
    {
        Dataset data = Blobs.Create(30, centers: 4, features: 2, clusterStd: 0, seed: 9, boxLow: -2, boxHigh: 2);
        var random = new NumpyRandom(9);
        var centres = Enumerable.Range(0, 4).Select(_ => (random.Uniform(-2, 2), random.Uniform(-2, 2))).ToArray();
        Assert.Equal([8, 8, 7, 7], data.ClassCounts());
        foreach ((double x, double y, long label) in Points(data))
        {
            Assert.Equal(centres[label].Item1, x, 1e-6);
            Assert.Equal(centres[label].Item2, y, 1e-6);
            Assert.InRange(x, -2, 2);
        }
    }

    [Fact]
    public void TheSameSeedGivesTheSameDataAndAnotherSeedOtherData()
    {
        Func<uint, Dataset>[] generators =
        [
            seed => Circles.Create(100, 0.1, seed),
            seed => Spirals.Create(30, 3, 0.2, seed),
            seed => Blobs.Create(100, 3, 2, 1.0, seed),
            seed => TwoMoons.Create(100, 0.1, seed),
        ];
        foreach (var generate in generators)
        {
            Dataset a = generate(1), b = generate(1), c = generate(2);
            Assert.Equal(a.Features.ToArray<float>(), b.Features.ToArray<float>());
            Assert.Equal(a.Labels.ToArray<long>(), b.Labels.ToArray<long>());
            Assert.NotEqual(a.Features.ToArray<float>(), c.Features.ToArray<float>());
        }
    }

    [Fact]
    public void BadArgumentsAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Circles.Create(1, 0.1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Circles.Create(10, -0.1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Circles.Create(10, double.PositiveInfinity, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Circles.Create(10, 0.1, 1, factor: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Circles.Create(10, 0.1, 1, factor: -0.1));

        Assert.Throws<ArgumentOutOfRangeException>(() => Spirals.Create(0, 3, 0.2, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Spirals.Create(10, 0, 0.2, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Spirals.Create(10, 3, double.NaN, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Spirals.Create(int.MaxValue, int.MaxValue, 0.2, 1));

        Assert.Throws<ArgumentOutOfRangeException>(() => Blobs.Create(0, 3, 2, 1.0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Blobs.Create(10, 0, 2, 1.0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Blobs.Create(10, 3, 0, 1.0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Blobs.Create(10, 3, 2, -1.0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Blobs.Create(10, 3, 2, 1.0, 1, boxLow: 1, boxHigh: 1));
        Assert.Throws<ArgumentException>(() => Blobs.Create(10, Array.Empty<double[]>(), 1.0, 1));
        var e = Assert.Throws<ArgumentException>(() => Blobs.Create(10, [[0.0, 1.0], [2.0]], 1.0, 1));
        Assert.Contains("centre 1 has 1 coordinates", e.Message);
        e = Assert.Throws<ArgumentException>(() => Blobs.Create(10, [[0.0, double.NaN]], 1.0, 1));
        Assert.Contains("non-finite", e.Message);
    }
}
