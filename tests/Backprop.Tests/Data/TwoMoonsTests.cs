using Backprop.Data;

namespace Backprop.Tests.Data;

/// <summary><see cref="TwoMoons"/>: the geometry of the two half circles, seeded.</summary>
public class TwoMoonsTests
{
    [Fact]
    public void WithoutNoiseThePointsLieOnTheTwoHalfCircles()
    {
        (double[][] points, int[] labels) = TwoMoons.Generate(101, noise: 0, seed: 5);
        Assert.Equal(50, labels.Count(l => l == 0));
        Assert.Equal(51, labels.Count(l => l == 1));
        for (int i = 0; i < points.Length; i++)
        {
            (double x, double y) = (points[i][0], points[i][1]);
            // upper moon: unit circle at the origin, y >= 0; lower moon: centred at (1, 0.5), y <= 0.5
            double radius = labels[i] == 0 ? Math.Sqrt(x * x + y * y) : Math.Sqrt((x - 1) * (x - 1) + (y - 0.5) * (y - 0.5));
            Assert.Equal(1.0, radius, 12);
            Assert.True(labels[i] == 0 ? y >= -1e-12 : y <= 0.5 + 1e-12);
        }
    }

    [Fact]
    public void TheSameSeedGivesTheSameDataAndAnotherSeedOtherData()
    {
        var a = TwoMoons.Generate(100, 0.1, 1);
        var b = TwoMoons.Generate(100, 0.1, 1);
        var c = TwoMoons.Generate(100, 0.1, 2);
        Assert.Equal(a.Points.SelectMany(p => p), b.Points.SelectMany(p => p));
        Assert.Equal(a.Labels, b.Labels);
        Assert.NotEqual(a.Points.SelectMany(p => p), c.Points.SelectMany(p => p));
    }

    [Fact]
    public void BadArgumentsAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TwoMoons.Generate(1, 0.1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => TwoMoons.Generate(10, -0.1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => TwoMoons.Generate(10, double.NaN, 1));
    }

    [Fact]
    public void CreateGivesTheSamePointsAsADataset()
    {
        (double[][] points, int[] labels) = TwoMoons.Generate(50, 0.1, seed: 4);
        Dataset data = TwoMoons.Create(50, 0.1, seed: 4);
        Assert.Equal([50, 2], data.Features.Shape);
        Assert.Equal(2, data.Classes);
        Assert.Equal(points.SelectMany(p => p).Select(v => (float)v), data.Features.ToArray<float>());
        Assert.Equal(labels.Select(l => (long)l), data.Labels.ToArray<long>());
    }
}
