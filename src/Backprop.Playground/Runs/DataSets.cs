using Backprop.Data;
using Backprop.Random;

namespace Backprop.Playground.Runs;

/// <summary>
/// The data sets of TensorFlow Playground (<c>src/dataset.ts</c>), drawn from the library's
/// seeded <see cref="NumpyRandom"/> instead of <c>Math.random</c>, so a seed reproduces a run:
/// circle, xor, gauss and spiral (with more classes for gauss and spiral), the library's moons
/// scaled into TF's [-6, 6] square, and the regressions plane and reg-gauss. TF's labels ±1 are
/// classes 1 and 0 here (class 1 is TF's positive, blue).
/// </summary>
public static class DataSets
{
    /// <summary>Generates the points of <paramref name="settings"/>' data set, shuffled (TF shuffles before splitting).</summary>
    /// <param name="settings">Data set, classes, points and noise.</param>
    /// <param name="seed">The data seed (the run's seed plus the number of regenerations).</param>
    /// <exception cref="ArgumentException">The data set is "custom" (those points come from the user).</exception>
    public static DataPoint[] Generate(RunSettings settings, uint seed)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var random = new NumpyRandom(seed);
        double noise = settings.Noise / 100; // TF's slider is in percent, its generators take 0 .. 0.5
        int n = settings.Points;
        List<DataPoint> points = settings.Dataset switch
        {
            "circle" => Circle(random, n, noise),
            "xor" => Xor(random, n, noise),
            "gauss" => Gauss(random, n, noise, settings.Classes),
            "spiral" => Spiral(random, n, noise, settings.Classes),
            "moons" => Moons(n, noise, seed),
            "plane" => Plane(random, n, noise),
            "reg-gauss" => RegressGauss(random, n, noise),
            _ => throw new ArgumentException($"DataSets: '{settings.Dataset}' is not a generated data set", nameof(settings)),
        };
        DataPoint[] shuffled = [.. points];
        random.Shuffle<DataPoint>(shuffled);
        return shuffled;
    }

    private static double Uniform(NumpyRandom r, double low, double high) => r.Uniform(low, high);

    private static double Label(bool positive) => positive ? 1 : 0;

    private static List<DataPoint> Circle(NumpyRandom r, int n, double noise)
    {
        const double radius = 5;
        var points = new List<DataPoint>(n);
        void Ring(int count, double inner, double outer)
        {
            for (int i = 0; i < count; i++)
            {
                double rr = Uniform(r, inner, outer), angle = Uniform(r, 0, 2 * Math.PI);
                double x = rr * Math.Sin(angle), y = rr * Math.Cos(angle);
                double nx = Uniform(r, -radius, radius) * noise, ny = Uniform(r, -radius, radius) * noise;
                // TF labels by where the noisy point falls, but draws the point without the noise.
                points.Add(new DataPoint(x, y, Label(Math.Sqrt((x + nx) * (x + nx) + (y + ny) * (y + ny)) < radius * 0.5)));
            }
        }
        Ring(n / 2, 0, radius * 0.5);
        Ring(n - n / 2, radius * 0.7, radius);
        return points;
    }

    private static List<DataPoint> Xor(NumpyRandom r, int n, double noise)
    {
        const double padding = 0.3;
        var points = new List<DataPoint>(n);
        for (int i = 0; i < n; i++)
        {
            double x = Uniform(r, -5, 5);
            x += x > 0 ? padding : -padding;
            double y = Uniform(r, -5, 5);
            y += y > 0 ? padding : -padding;
            double nx = Uniform(r, -5, 5) * noise, ny = Uniform(r, -5, 5) * noise;
            points.Add(new DataPoint(x, y, Label((x + nx) * (y + ny) >= 0)));
        }
        return points;
    }

    private static List<DataPoint> Gauss(NumpyRandom r, int n, double noise, int classes)
    {
        double variance = 0.5 + noise / 0.5 * 3.5; // TF: d3.scale.linear().domain([0, .5]).range([0.5, 4])
        var points = new List<DataPoint>(n);
        for (int c = 0; c < classes; c++)
        {
            // Two classes: TF's blobs at (2, 2) (positive) and (-2, -2); more: centres evenly round a circle of the same radius.
            double angle = classes == 2 ? (c == 1 ? Math.PI / 4 : Math.PI * 5 / 4) : Math.PI / 4 + 2 * Math.PI * c / classes;
            double cx = 2 * Math.Sqrt(2) * Math.Cos(angle), cy = 2 * Math.Sqrt(2) * Math.Sin(angle);
            int count = n / classes + (c < n % classes ? 1 : 0);
            for (int i = 0; i < count; i++)
                points.Add(new DataPoint(cx + Math.Sqrt(variance) * r.NextGaussian(), cy + Math.Sqrt(variance) * r.NextGaussian(), c));
        }
        return points;
    }

    private static List<DataPoint> Spiral(NumpyRandom r, int n, double noise, int classes)
    {
        var points = new List<DataPoint>(n);
        // TF: two arms, the positive one at deltaT 0 and the negative at π; k arms are 2π/k apart.
        for (int c = 0; c < classes; c++)
        {
            int count = n / classes + (c < n % classes ? 1 : 0);
            double deltaT = classes == 2 ? (c == 1 ? 0 : Math.PI) : 2 * Math.PI * c / classes;
            for (int i = 0; i < count; i++)
            {
                double radius = (double)i / count * 5;
                double t = 1.75 * i / count * 2 * Math.PI + deltaT;
                double x = radius * Math.Sin(t) + Uniform(r, -1, 1) * noise;
                double y = radius * Math.Cos(t) + Uniform(r, -1, 1) * noise;
                points.Add(new DataPoint(x, y, c));
            }
        }
        return points;
    }

    private static List<DataPoint> Moons(int n, double noise, uint seed)
    {
        // The library's moons span x in [-1, 2], y in [-0.5, 1]: centred and scaled by 3 into TF's square.
        (double[][] xy, int[] labels) = TwoMoons.Generate(n, noise, seed);
        var points = new List<DataPoint>(n);
        for (int i = 0; i < n; i++) points.Add(new DataPoint((xy[i][0] - 0.5) * 3, (xy[i][1] - 0.25) * 3, labels[i]));
        return points;
    }

    private static List<DataPoint> Plane(NumpyRandom r, int n, double noise)
    {
        const double radius = 6;
        var points = new List<DataPoint>(n);
        for (int i = 0; i < n; i++)
        {
            double x = Uniform(r, -radius, radius), y = Uniform(r, -radius, radius);
            double nx = Uniform(r, -radius, radius) * noise, ny = Uniform(r, -radius, radius) * noise;
            points.Add(new DataPoint(x, y, (x + nx + y + ny) / 10)); // TF: linear [-10, 10] → [-1, 1]
        }
        return points;
    }

    private static List<DataPoint> RegressGauss(NumpyRandom r, int n, double noise)
    {
        const double radius = 6;
        (double X, double Y, double Sign)[] gaussians = [(-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1)];
        double LabelAt(double x, double y)
        {
            double label = 0;
            foreach ((double cx, double cy, double sign) in gaussians)
            {
                double distance = Math.Sqrt((x - cx) * (x - cx) + (y - cy) * (y - cy));
                double value = sign * Math.Clamp(1 - distance / 2, 0, 1); // TF: linear [0, 2] → [1, 0], clamped
                if (Math.Abs(value) > Math.Abs(label)) label = value;
            }
            return label;
        }
        var points = new List<DataPoint>(n);
        for (int i = 0; i < n; i++)
        {
            double x = Uniform(r, -radius, radius), y = Uniform(r, -radius, radius);
            double nx = Uniform(r, -radius, radius) * noise, ny = Uniform(r, -radius, radius) * noise;
            points.Add(new DataPoint(x, y, LabelAt(x + nx, y + ny)));
        }
        return points;
    }
}
