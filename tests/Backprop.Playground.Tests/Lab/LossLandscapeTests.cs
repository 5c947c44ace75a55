using Backprop.NN;
using Backprop.Playground.Lab;
using Backprop.Random;

namespace Backprop.Playground.Tests.Lab;

public sealed class LossLandscapeTests
{
    /// <summary>A small tanh network and a fixed batch: the loss is a real function of the weights.</summary>
    private static (Linear[] Layers, Func<double> Loss) Network(uint seed = 3)
    {
        var random = new NumpyRandom(seed);
        var model = new Mlp([2, 5, 3, 1], ActivationKind.Tanh, random);
        Tensor x = Tensor.Randn(random, 40, 2);
        Tensor y = Tensor.Randn(random, 40, 1);
        return ([.. model.Layers.OfType<Linear>()], () => Losses.MseLoss(model.Forward(x), y).Item());
    }

    private static Trajectory Path(Linear[] layers, int points)
    {
        var trajectory = new Trajectory();
        var random = new NumpyRandom(11);
        double[] w = ParameterVector.Read(layers);
        for (int i = 0; i < points; i++)
        {
            trajectory.Add(i, [.. w]);
            double[] step = random.Randn(w.Length);
            for (int k = 0; k < w.Length; k++) w[k] += 0.05 * step[k];
        }
        ParameterVector.Write(layers, w.Select(v => (double)(float)v).ToArray());
        trajectory.Add(points, ParameterVector.Read(layers));
        return trajectory;
    }

    [Fact]
    public void EachFilterNormalisedDirectionRowHasTheNormOfItsWeightRowAndBiasesGetNone()
    {
        (Linear[] layers, _) = Network();
        LandscapePlane plane = LandscapePlane.FilterNormalized(layers, new NumpyRandom(5));
        int at = 0;
        foreach (Linear layer in layers)
        {
            float[] w = layer.Weight.ToFloatArray();
            for (int row = 0; row < layer.OutFeatures; row++)
            {
                double wNorm = 0, uNorm = 0, vNorm = 0;
                for (int k = 0; k < layer.InFeatures; k++)
                {
                    int i = (row * layer.InFeatures) + k;
                    wNorm += (double)w[i] * w[i];
                    uNorm += plane.U[at + i] * plane.U[at + i];
                    vNorm += plane.V[at + i] * plane.V[at + i];
                }
                Assert.Equal(Math.Sqrt(wNorm), Math.Sqrt(uNorm), 12);
                Assert.Equal(Math.Sqrt(wNorm), Math.Sqrt(vNorm), 12);
            }
            at += layer.InFeatures * layer.OutFeatures;
            for (int b = 0; b < layer.OutFeatures; b++) Assert.Equal(0.0, plane.U[at + b]);
            at += layer.OutFeatures;
        }
        Assert.NotEqual(plane.U, plane.V);
    }

    [Fact]
    public void TheTrajectoryPlaneContainsTheFirstMiddleAndLastPointsAndHasOrthonormalAxes()
    {
        (Linear[] layers, _) = Network();
        Trajectory trajectory = Path(layers, 9);
        IReadOnlyList<(int Epoch, double[] Point)> p = trajectory.Points;
        double[] center = ParameterVector.Read(layers);
        LandscapePlane plane = LandscapePlane.Trajectory(center, p[0].Point, p[p.Count / 2].Point, p[^1].Point, new NumpyRandom(1));
        foreach (double[] point in new[] { p[0].Point, p[p.Count / 2].Point, p[^1].Point })
            Assert.True(plane.Project(point).Residual < 1e-12, $"residual {plane.Project(point).Residual}");
        Assert.True(plane.Project(p[2].Point).Residual > 1e-3); // a point in between is off the plane
        Assert.Equal(1, plane.U.Sum(v => v * v), 12);
        Assert.Equal(1, plane.V.Sum(v => v * v), 12);
        Assert.Equal(0, plane.U.Zip(plane.V, (a, b) => a * b).Sum(), 12);
    }

    [Fact]
    public void TheCentreOfTheGridIsTheCurrentLossExactlyAndTheWeightsComeBackBitForBit()
    {
        (Linear[] layers, Func<double> loss) = Network();
        Trajectory trajectory = Path(layers, 6);
        double current = loss();
        float[][] before = [.. layers.Select(l => l.Weight.ToFloatArray())];
        foreach (string directions in new[] { "random", "trajectory" })
        {
            LandscapeReport report = LossLandscape.Compute(layers, loss, trajectory, new LandscapeSetup(7, 0, directions, 2));
            float[] grid = Floats(report.Losses);
            Assert.Equal(49, grid.Length);
            Assert.Equal((float)current, grid[(3 * 7) + 3]);
            Assert.Equal(current, report.CenterLoss);
            Assert.Equal(0.0, report.Alphas[3]);
            Assert.Equal(report.Alphas, report.Betas);
            Assert.True(grid.Any(v => v != grid[24]), "the loss varies over the grid");
            Assert.Equal(before, layers.Select(l => l.Weight.ToFloatArray()));
        }
    }

    [Fact]
    public void TheTrajectoryPlaneProjectsThePathsEndsWithNoErrorAndRandomDirectionsMissIt()
    {
        (Linear[] layers, Func<double> loss) = Network();
        Trajectory trajectory = Path(layers, 2); // three points: first, middle, last span the plane
        LandscapeReport onPlane = LossLandscape.Compute(layers, loss, trajectory, new LandscapeSetup(5, 0, "trajectory", 2));
        Assert.True(onPlane.ProjectionError < 1e-9, $"error {onPlane.ProjectionError}");
        Assert.Equal([0.0, 0.0], onPlane.Path[^1].Select(v => Math.Round(v, 12))); // the last point is the centre
        Assert.Equal(trajectory.Points[0].Epoch, onPlane.PathEpochs[0]);
        Assert.Equal(loss(), onPlane.PathLosses[^1]);
        LandscapeReport random = LossLandscape.Compute(layers, loss, trajectory, new LandscapeSetup(5, 1, "random", 2));
        Assert.True(random.ProjectionError > 0.5, $"error {random.ProjectionError}");
    }

    [Fact]
    public void TheTrajectoryPlaneOfARunThatHasNotTrainedIsRefusedInOneLine()
    {
        (Linear[] layers, Func<double> loss) = Network();
        var trajectory = new Trajectory();
        trajectory.Add(0, ParameterVector.Read(layers));
        var e = Assert.Throws<LabRequestException>(() => LossLandscape.Compute(layers, loss, trajectory, new LandscapeSetup(5, 0, "trajectory", 1)));
        Assert.StartsWith("directions: the trajectory plane needs a run that has trained", e.Message);
    }

    [Fact]
    public void ALongTrajectoryIsThinnedToTheCapacityKeepingTheFirstAndNewestPoints()
    {
        var trajectory = new Trajectory();
        for (int i = 0; i <= 1000; i++) trajectory.Add(i, [i]);
        IReadOnlyList<(int Epoch, double[] Point)> points = trajectory.Points;
        Assert.InRange(points.Count, 100, Trajectory.Capacity + 1);
        Assert.Equal(0, points[0].Epoch);
        Assert.Equal(1000, points[^1].Epoch);
        Assert.True(points.Zip(points.Skip(1), (a, b) => a.Epoch < b.Epoch).All(x => x));
    }

    [Theory]
    [InlineData("{\"resolution\": 43}", "resolution must be in [5, 41], got 43")]
    [InlineData("{\"resolution\": 20}", "resolution must be odd (so the grid has a centre), got 20")]
    [InlineData("{\"directions\": \"pca\"}", "directions must be one of random, trajectory, got \"pca\"")]
    [InlineData("{\"span\": -1}", "span must be in [0, 100], got -1")]
    public void ABadLandscapeFieldIsOneLine(string body, string message)
    {
        var e = Assert.Throws<LabRequestException>(() => LandscapeSetup.Parse(System.Text.Json.JsonDocument.Parse(body).RootElement));
        Assert.Equal(message, e.Message);
    }

    private static float[] Floats(string base64)
    {
        byte[] bytes = Convert.FromBase64String(base64);
        var values = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        return values;
    }
}
