using Backprop.Playground.Runs;
using Backprop.Random;

namespace Backprop.Playground.Lab;

/// <summary>
/// 2–4 runs that differ only in their optimizer (same settings and seed, so the same data and
/// the same initial weights), stepped in sync, one epoch each in turn. Their paths are drawn on
/// one plane through the common start, spanned (Gram–Schmidt) by the first racer's displacement
/// and the racer whose displacement leaves that line the most.
/// </summary>
public sealed class OptimizerRace
{
    /// <summary>The most epochs one step request may ask for.</summary>
    public const int MaxStep = 200;

    private readonly object _gate = new();
    private readonly (string Optimizer, PlaygroundRun Run, List<int> Epochs, List<double?> Losses)[] _racers;
    private int _epoch;

    /// <summary>Starts a race: one run per optimizer in <paramref name="registry"/>, at epoch 0.</summary>
    /// <param name="id">The race's id.</param>
    /// <param name="setup">Settings and optimizers.</param>
    /// <param name="registry">Where the racers' runs live (they count against its cap).</param>
    public OptimizerRace(string id, RaceSetup setup, RunRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(setup);
        ArgumentNullException.ThrowIfNull(registry);
        Id = id;
        _racers = [.. setup.Optimizers.Select(o =>
        {
            PlaygroundRun run = registry.Create(setup.Settings with { Optimizer = o });
            Snapshot start = run.Snapshot();
            return (o, run, new List<int> { 0 }, new List<double?> { start.TrainLoss });
        })];
    }

    /// <summary>The race's id.</summary>
    public string Id { get; }

    /// <summary>The racers' runs, in the order asked.</summary>
    public IReadOnlyList<PlaygroundRun> Runs => [.. _racers.Select(r => r.Run)];

    /// <summary>Steps every racer <paramref name="epochs"/> epochs, in sync: epoch by epoch, each racer in turn.</summary>
    /// <param name="epochs">1–<see cref="MaxStep"/>.</param>
    /// <exception cref="LabRequestException">Out of range.</exception>
    public RaceFrame Step(int epochs)
    {
        if (epochs is < 1 or > MaxStep) throw new LabRequestException($"n must be in [1, {MaxStep}], got {epochs}");
        lock (_gate)
        {
            for (int e = 0; e < epochs; e++)
            {
                _epoch++;
                foreach ((_, PlaygroundRun run, List<int> epochList, List<double?> losses) in _racers)
                {
                    if (run.Snapshot().Status == "diverged") continue;
                    Snapshot after = run.Step(1);
                    epochList.Add(after.Epoch);
                    losses.Add(after.TrainLoss);
                }
            }
            return FrameLocked();
        }
    }

    /// <summary>The race now.</summary>
    public RaceFrame Frame()
    {
        lock (_gate) return FrameLocked();
    }

    /// <summary>
    /// The loss over the shared plane, on a grid that covers every racer's path (with a margin),
    /// evaluated on the first racer's model and data (every racer has the same data).
    /// </summary>
    /// <param name="resolution">Points per side, 5–<see cref="LandscapeSetup.MaxResolution"/>.</param>
    public LandscapeReport Landscape(int resolution)
    {
        lock (_gate)
        {
            (LandscapePlane plane, double[][][] paths, double error) = Plane();
            double[][] all = [.. paths.SelectMany(p => p)];
            (double[] alphas, double[] betas) = (Axis(all, 0, resolution), Axis(all, 1, resolution));
            float[] losses = _racers[0].Run.Inspect(r => LossLandscape.Evaluate(r.Layers, r.TrainLoss, plane, alphas, betas));
            float[] finite = [.. losses.Where(float.IsFinite)];
            return new LandscapeReport(resolution, "race", Math.Max(alphas[^1] - alphas[0], betas[^1] - betas[0]) / 2, alphas, betas,
                LossLandscape.Encode(losses), null, finite.Length > 0 ? finite.Min() : null, finite.Length > 0 ? finite.Max() : null,
                paths[0], [.. _racers[0].Epochs], [.. _racers[0].Losses], error);
        }
    }

    private RaceFrame FrameLocked()
    {
        (_, double[][][] paths, double error) = Plane();
        var racers = new RaceRacer[_racers.Length];
        for (int i = 0; i < racers.Length; i++)
        {
            (string optimizer, PlaygroundRun run, List<int> epochs, List<double?> losses) = _racers[i];
            Snapshot now = run.Snapshot();
            racers[i] = new RaceRacer(optimizer, run.Id, now.Status, now.TrainLoss, now.TestLoss, [.. epochs], [.. losses], paths[i]);
        }
        return new RaceFrame(Id, _epoch, error, racers);
    }

    /// <summary>The shared plane and every racer's path on it, with the projection error over all paths.</summary>
    private (LandscapePlane Plane, double[][][] Paths, double Error) Plane()
    {
        double[][][] points = [.. _racers.Select(r => r.Run.Inspect(i => i.Trajectory.Points.Select(p => p.Point).ToArray()))];
        double[] start = points[0][0];
        double[] first = points[0][^1];
        // The racer whose end leaves the line start→first most gives the second direction.
        double[] second = points.Select(p => p[^1]).MaxBy(end => OffLine(start, first, end))!;
        LandscapePlane plane = LandscapePlane.Trajectory(start, start, second, first, new NumpyRandom(1));
        double residuals = 0, distances = 0;
        var paths = new double[points.Length][][];
        for (int r = 0; r < points.Length; r++)
        {
            paths[r] = new double[points[r].Length][];
            for (int k = 0; k < points[r].Length; k++)
            {
                (double a, double b, double residual) = plane.Project(points[r][k]);
                paths[r][k] = [a, b];
                residuals += residual * residual;
                for (int j = 0; j < start.Length; j++) distances += (points[r][k][j] - start[j]) * (points[r][k][j] - start[j]);
            }
        }
        return (plane, paths, distances > 0 ? Math.Sqrt(residuals / distances) : 0);
    }

    /// <summary>The distance of <paramref name="point"/> from the line through <paramref name="a"/> and <paramref name="b"/>.</summary>
    private static double OffLine(double[] a, double[] b, double[] point)
    {
        double dd = 0, pd = 0, pp = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double d = b[i] - a[i], p = point[i] - a[i];
            dd += d * d;
            pd += p * d;
            pp += p * p;
        }
        return dd == 0 ? Math.Sqrt(pp) : Math.Sqrt(Math.Max(0, pp - (pd * pd / dd)));
    }

    private static double[] Axis(double[][] points, int k, int resolution)
    {
        double lo = Math.Min(0, points.Min(p => p[k])), hi = Math.Max(0, points.Max(p => p[k]));
        double margin = Math.Max((hi - lo) * 0.15, 1e-3);
        (lo, hi) = (lo - margin, hi + margin);
        return [.. Enumerable.Range(0, resolution).Select(i => lo + ((hi - lo) * i / (resolution - 1)))];
    }
}
