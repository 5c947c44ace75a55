using Backprop.Training;
using System.Buffers.Binary;
using Backprop.Plots;
using SkiaSharp;
using Xunit;

namespace Backprop.Tests.Plots;

/// <summary>The training figures: their files, their arguments, and where the decision boundary puts each class.</summary>
public sealed class TrainingPlotsTests : IDisposable
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Four corners of a square centred on the origin: the plot's area is centred on x = 0 and y = 0.</summary>
    private static readonly double[][] Corners = [[-1.0, -1.0], [1.0, 1.0], [-1.0, 1.0], [1.0, -1.0]];

    private readonly string folder =
        Path.Combine(Path.GetTempPath(), "backprop-plots-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(folder))
            Directory.Delete(folder, recursive: true);
    }

    // ---- loss curves: files ----

    [Fact]
    public void SaveLossCurves_writes_a_1000x400_png()
    {
        string path = Path.Combine(folder, "loss.png");

        TrainingPlots.SaveLossCurves(path, Epochs(20, withTest: true));

        Assert.Equal((TrainingPlots.LossCurvesWidth, TrainingPlots.LossCurvesHeight), PngSize(path));
        Assert.Equal((1000, 400), PngSize(path));
        Assert.Equal([path], Directory.GetFiles(folder)); // no temporary file left behind
    }

    [Fact]
    public void SaveLossCurves_draws_both_panels()
    {
        string path = Path.Combine(folder, "loss.png");

        TrainingPlots.SaveLossCurves(path, Epochs(20, withTest: true));

        // Each half of the picture holds a curve in the training colour (the panels are drawn side by side,
        // the second must not paint over the first).
        using SKBitmap bitmap = SKBitmap.Decode(path);
        SKColor blue = new(0x1f, 0x77, 0xb4);
        Assert.True(CountNear(bitmap, blue, 0, bitmap.Width / 2) > 100, "no training curve in the left (loss) panel");
        Assert.True(CountNear(bitmap, blue, bitmap.Width / 2, bitmap.Width) > 100, "no training curve in the right (accuracy) panel");
    }

    [Fact]
    public void SaveLossCurves_plots_without_a_test_split_a_single_epoch_and_a_diverged_run()
    {
        TrainingPlots.SaveLossCurves(Path.Combine(folder, "train-only.png"), Epochs(10, withTest: false));
        TrainingPlots.SaveLossCurves(Path.Combine(folder, "one.png"), [new EpochMetrics(1, 0.69, 0.5, null, null)]);
        TrainingPlots.SaveLossCurves(Path.Combine(folder, "one-with-test.png"), [new EpochMetrics(0, 0.69, 0.5, 0.7, 0.48)]);
        TrainingPlots.SaveLossCurves(
            Path.Combine(folder, "diverged.png"),
            [new EpochMetrics(1, 0.7, 0.5, 0.7, 0.5), new EpochMetrics(2, double.PositiveInfinity, 0.5, double.NaN, 0.5)]);
        TrainingPlots.SaveLossCurves(
            Path.Combine(folder, "sparse-test.png"),
            [.. Enumerable.Range(0, 300).Select(e => new EpochMetrics(e, 1.0 / (e + 1), 0.5, e % 10 == 0 ? 1.0 / (e + 1) : null, null))]);

        foreach (string file in Directory.GetFiles(folder))
            Assert.Equal((1000, 400), PngSize(file));
        Assert.Equal(5, Directory.GetFiles(folder).Length);
    }

    [Fact]
    public void SaveLossCurves_replaces_an_existing_file_and_creates_the_folder()
    {
        string path = Path.Combine(folder, "nested", "loss.png");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "not a png");

        TrainingPlots.SaveLossCurves(path, Epochs(3, withTest: true));
        TrainingPlots.SaveLossCurves(Path.Combine(folder, "new", "loss.png"), Epochs(3, withTest: true));

        Assert.Equal((1000, 400), PngSize(path));
        Assert.Equal((1000, 400), PngSize(Path.Combine(folder, "new", "loss.png")));
    }

    // ---- loss curves: argument errors ----

    [Fact]
    public void SaveLossCurves_rejects_bad_arguments_naming_them()
    {
        string path = Path.Combine(folder, "loss.png");
        EpochMetrics ok = new(1, 0.5, 0.8, 0.6, 0.7);

        Assert.Equal("epochs", Assert.Throws<ArgumentNullException>(() => TrainingPlots.SaveLossCurves(path, null!)).ParamName);
        Assert.Equal("epochs", Assert.ThrowsAny<ArgumentException>(() => TrainingPlots.SaveLossCurves(path, [])).ParamName);
        Assert.Equal("epochs", Assert.Throws<ArgumentNullException>(() => TrainingPlots.SaveLossCurves(path, [ok, null!])).ParamName);
        Assert.Equal("path", Assert.ThrowsAny<ArgumentException>(() => TrainingPlots.SaveLossCurves("", [ok])).ParamName);
        Assert.Equal("path", Assert.ThrowsAny<ArgumentException>(() => TrainingPlots.SaveLossCurves(null!, [ok])).ParamName);
        Assert.Equal("path", Assert.ThrowsAny<ArgumentException>(() => TrainingPlots.SaveLossCurves(Path.GetTempPath(), [ok])).ParamName);
        Assert.False(Directory.Exists(folder) && Directory.GetFiles(folder).Length > 0);
    }

    [Fact]
    public void SaveLossCurves_rejects_epochs_out_of_order()
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => TrainingPlots.SaveLossCurves(
            Path.Combine(folder, "loss.png"),
            [new EpochMetrics(1, 0.5, 0.5, null, null), new EpochMetrics(3, 0.4, 0.6, null, null), new EpochMetrics(3, 0.3, 0.7, null, null)]));

        Assert.Equal("epochs", e.ParamName);
        Assert.Contains("epochs[2]", e.Message);
    }

    [Theory]
    [InlineData(95.0, null)]          // a percentage where a fraction belongs
    [InlineData(-0.1, null)]
    [InlineData(double.NaN, null)]
    [InlineData(0.5, 1.5)]
    [InlineData(0.5, double.NaN)]
    public void SaveLossCurves_rejects_accuracies_that_are_not_fractions(double train, double? test)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => TrainingPlots.SaveLossCurves(
            Path.Combine(folder, "loss.png"),
            [new EpochMetrics(1, 0.5, 0.5, 0.5, 0.5), new EpochMetrics(2, 0.4, train, 0.4, test)]));

        Assert.Equal("epochs", e.ParamName);
        Assert.Contains("epochs[1]", e.Message);
    }

    [Theory]
    [InlineData(0.05, 20.95, new[] { 5.0, 10, 15, 20 })] // 20 epochs: no 2.5 steps
    [InlineData(-0.1, 2.1, new[] { 0.0, 1, 2 })]         // 3 epochs: no 0.25 steps
    [InlineData(0.0, 2.0, new[] { 0.0, 1, 2 })]          // a single epoch with one epoch of room each side
    [InlineData(-15.0, 314.0, new[] { 0.0, 50, 100, 150, 200, 250, 300 })]
    public void Epoch_ticks_are_whole_numbers(double min, double max, double[] expected) =>
        Assert.Equal(expected, MaxNTickGenerator.Positions(min, max, 9, integer: true));

    // ---- decision boundary: files ----

    [Fact]
    public void SaveDecisionBoundary_writes_a_640x480_png()
    {
        string path = Path.Combine(folder, "boundary.png");
        (List<double[]> points, List<int> labels) = Moons(50);

        TrainingPlots.SaveDecisionBoundary(path, Circle, points, labels, 2, "Circle classifier");

        Assert.Equal((TrainingPlots.DecisionBoundaryWidth, TrainingPlots.DecisionBoundaryHeight), PngSize(path));
        Assert.Equal((640, 480), PngSize(path));
        Assert.Equal([path], Directory.GetFiles(folder));
    }

    [Fact]
    public void SaveDecisionBoundary_shows_up_to_ten_classes_and_a_single_point()
    {
        List<double[]> points = [.. Enumerable.Range(0, 100).Select(i => new[] { Math.Cos(i), Math.Sin(i) * i / 100 })];
        List<int> labels = [.. Enumerable.Range(0, 100).Select(i => i % 10)];
        int[] ByAngle(double[,] grid) =>
            [.. Enumerable.Range(0, grid.GetLength(0)).Select(i => (int)((Math.Atan2(grid[i, 1], grid[i, 0]) + Math.PI) / (2 * Math.PI) * 10) % 10)];

        TrainingPlots.SaveDecisionBoundary(Path.Combine(folder, "ten.png"), ByAngle, points, labels, 10, "Ten classes");
        TrainingPlots.SaveDecisionBoundary(Path.Combine(folder, "one.png"), g => new int[g.GetLength(0)], [[0.5, 0.5]], [0], 1, "");

        Assert.Equal((640, 480), PngSize(Path.Combine(folder, "ten.png")));
        Assert.Equal((640, 480), PngSize(Path.Combine(folder, "one.png")));
    }

    [Fact]
    public void SaveDecisionBoundary_asks_once_for_a_grid_that_covers_the_data_with_a_margin()
    {
        var calls = new List<double[,]>();
        int[] Record(double[,] grid)
        {
            calls.Add(grid);
            return new int[grid.GetLength(0)];
        }

        TrainingPlots.SaveDecisionBoundary(
            Path.Combine(folder, "b.png"), Record, [[0.0, 10.0], [2.0, 20.0]], [0, 1], 2, "grid", resolution: 50);

        double[,] g = Assert.Single(calls);
        Assert.Equal(2500, g.GetLength(0));
        Assert.Equal(2, g.GetLength(1));
        double[] xs = [.. Enumerable.Range(0, 2500).Select(i => g[i, 0])];
        double[] ys = [.. Enumerable.Range(0, 2500).Select(i => g[i, 1])];
        Assert.InRange(xs.Min(), -0.2, -0.1);
        Assert.InRange(xs.Max(), 2.1, 2.2);
        Assert.InRange(ys.Min(), 9.0, 9.5);
        Assert.InRange(ys.Max(), 20.5, 21.0);
        Assert.Equal(50, xs.Distinct().Count());
        Assert.Equal(50, ys.Distinct().Count());
    }

    // ---- decision boundary: where the colours go ----

    [Fact]
    public void Decision_boundary_at_x_0_colours_the_left_and_right_halves_differently()
    {
        string path = Path.Combine(folder, "split-x.png");

        TrainingPlots.SaveDecisionBoundary(path, ByX, Corners, [0, 1, 0, 1], 2, "x < 0 is class 0");

        using SKBitmap bitmap = SKBitmap.Decode(path);
        (SKRectI area, SKColor tint0, SKColor tint1) = RegionArea(bitmap);
        SKColor left = Dominant(bitmap, area.Left, area.Top, area.MidX, area.Bottom);
        SKColor right = Dominant(bitmap, area.MidX, area.Top, area.Right, area.Bottom);

        Assert.NotEqual(left, right);
        Assert.Equal(tint0, left);
        Assert.Equal(tint1, right);
    }

    [Fact]
    public void Decision_boundary_at_y_0_puts_the_upper_class_on_top()
    {
        string path = Path.Combine(folder, "split-y.png");
        int[] ByY(double[,] grid) => [.. Enumerable.Range(0, grid.GetLength(0)).Select(i => grid[i, 1] < 0 ? 0 : 1)];

        TrainingPlots.SaveDecisionBoundary(path, ByY, Corners, [0, 1, 1, 0], 2, "y < 0 is class 0");

        using SKBitmap bitmap = SKBitmap.Decode(path);
        (SKRectI area, SKColor tint0, SKColor tint1) = RegionArea(bitmap);

        Assert.Equal(tint1, Dominant(bitmap, area.Left, area.Top, area.Right, area.MidY));
        Assert.Equal(tint0, Dominant(bitmap, area.Left, area.MidY, area.Right, area.Bottom));
    }

    [Fact]
    public void Data_points_are_drawn_in_their_true_class_colour_over_the_regions()
    {
        string path = Path.Combine(folder, "points.png");

        // Every point is predicted wrongly: class 1 points sit in the class 0 region. They must still show in class 1's colour.
        TrainingPlots.SaveDecisionBoundary(
            path, g => new int[g.GetLength(0)], [.. Enumerable.Range(0, 30).Select(i => new[] { i * 0.1, Math.Sin(i) })],
            [.. Enumerable.Range(0, 30).Select(_ => 1)], 2, "all wrong");

        using SKBitmap bitmap = SKBitmap.Decode(path);
        Assert.True(CountNear(bitmap, new SKColor(0xff, 0x7f, 0x0e), 0, bitmap.Width) > 200, "the class 1 points (orange) are missing");
    }

    // ---- decision boundary: argument errors ----

    [Fact]
    public void SaveDecisionBoundary_rejects_bad_arguments_naming_them()
    {
        string path = Path.Combine(folder, "b.png");
        double[][] points = [[0.0, 0.0], [1.0, 1.0]];
        int[] labels = [0, 1];

        Assert.Equal("path", Assert.ThrowsAny<ArgumentException>(() => TrainingPlots.SaveDecisionBoundary(" ", ByX, points, labels, 2, "t")).ParamName);
        Assert.Equal("path", Assert.ThrowsAny<ArgumentException>(() => TrainingPlots.SaveDecisionBoundary(Path.GetTempPath(), ByX, points, labels, 2, "t")).ParamName);
        Assert.Equal("predict", Assert.Throws<ArgumentNullException>(() => TrainingPlots.SaveDecisionBoundary(path, null!, points, labels, 2, "t")).ParamName);
        Assert.Equal("points", Assert.Throws<ArgumentNullException>(() => TrainingPlots.SaveDecisionBoundary(path, ByX, null!, labels, 2, "t")).ParamName);
        Assert.Equal("points", Assert.Throws<ArgumentNullException>(() => TrainingPlots.SaveDecisionBoundary(path, ByX, [[0.0, 0.0], null!], labels, 2, "t")).ParamName);
        Assert.Equal("points", Assert.ThrowsAny<ArgumentException>(() => TrainingPlots.SaveDecisionBoundary(path, ByX, [], [], 2, "t")).ParamName);
        Assert.Equal("points", Assert.ThrowsAny<ArgumentException>(() => TrainingPlots.SaveDecisionBoundary(path, ByX, [[0.0, 0.0], [1.0, 1.0, 1.0]], labels, 2, "t")).ParamName);
        Assert.Equal("points", Assert.ThrowsAny<ArgumentException>(() => TrainingPlots.SaveDecisionBoundary(path, ByX, [[0.0, 0.0], [double.NaN, 1.0]], labels, 2, "t")).ParamName);
        Assert.Equal("labels", Assert.Throws<ArgumentNullException>(() => TrainingPlots.SaveDecisionBoundary(path, ByX, points, null!, 2, "t")).ParamName);
        Assert.Equal("labels", Assert.ThrowsAny<ArgumentException>(() => TrainingPlots.SaveDecisionBoundary(path, ByX, points, [0], 2, "t")).ParamName);
        Assert.Equal("labels", Assert.ThrowsAny<ArgumentException>(() => TrainingPlots.SaveDecisionBoundary(path, ByX, points, [0, 2], 2, "t")).ParamName);
        Assert.Equal("labels", Assert.ThrowsAny<ArgumentException>(() => TrainingPlots.SaveDecisionBoundary(path, ByX, points, [-1, 0], 2, "t")).ParamName);
        Assert.Equal("classes", Assert.Throws<ArgumentOutOfRangeException>(() => TrainingPlots.SaveDecisionBoundary(path, ByX, points, labels, 0, "t")).ParamName);
        Assert.Equal("classes", Assert.Throws<ArgumentOutOfRangeException>(() => TrainingPlots.SaveDecisionBoundary(path, ByX, points, labels, 11, "t")).ParamName);
        Assert.Equal("title", Assert.Throws<ArgumentNullException>(() => TrainingPlots.SaveDecisionBoundary(path, ByX, points, labels, 2, null!)).ParamName);
        Assert.Equal("resolution", Assert.Throws<ArgumentOutOfRangeException>(() => TrainingPlots.SaveDecisionBoundary(path, ByX, points, labels, 2, "t", 1)).ParamName);
        Assert.Equal("resolution", Assert.Throws<ArgumentOutOfRangeException>(() => TrainingPlots.SaveDecisionBoundary(path, ByX, points, labels, 2, "t", 1001)).ParamName);
        Assert.False(Directory.Exists(folder) && Directory.GetFiles(folder).Length > 0);
    }

    [Fact]
    public void SaveDecisionBoundary_rejects_predictions_of_the_wrong_length_or_class()
    {
        string path = Path.Combine(folder, "b.png");
        double[][] points = [[0.0, 0.0], [1.0, 1.0]];
        int[] labels = [0, 1];

        var tooFew = Assert.ThrowsAny<ArgumentException>(() => TrainingPlots.SaveDecisionBoundary(path, _ => [0, 1], points, labels, 2, "t"));
        var outOfRange = Assert.ThrowsAny<ArgumentException>(() => TrainingPlots.SaveDecisionBoundary(path, g => Enumerable.Repeat(2, g.GetLength(0)).ToArray(), points, labels, 2, "t"));
        var none = Assert.ThrowsAny<ArgumentException>(() => TrainingPlots.SaveDecisionBoundary(path, _ => null!, points, labels, 2, "t"));

        Assert.Equal("predict", tooFew.ParamName);
        Assert.Contains("40000", tooFew.Message);
        Assert.Equal("predict", outOfRange.ParamName);
        Assert.Contains("class 2", outOfRange.Message);
        Assert.Equal("predict", none.ParamName);
        Assert.False(File.Exists(path));
    }

    // ---- helpers ----

    /// <summary>Class 0 left of x = 0, class 1 from there on.</summary>
    private static int[] ByX(double[,] grid) => [.. Enumerable.Range(0, grid.GetLength(0)).Select(i => grid[i, 0] < 0 ? 0 : 1)];

    /// <summary>Class 1 inside an ellipse around the middle of the moons, class 0 outside.</summary>
    private static int[] Circle(double[,] grid) =>
        [.. Enumerable.Range(0, grid.GetLength(0)).Select(i => Math.Pow(grid[i, 0] - 0.5, 2) + Math.Pow(2 * (grid[i, 1] - 0.25), 2) < 0.5 ? 1 : 0)];

    /// <summary>Two interleaving half circles, without noise.</summary>
    private static (List<double[]> Points, List<int> Labels) Moons(int perClass)
    {
        var points = new List<double[]>();
        var labels = new List<int>();
        for (int i = 0; i < perClass; i++)
        {
            double t = Math.PI * i / (perClass - 1);
            points.Add([Math.Cos(t), Math.Sin(t)]);
            labels.Add(0);
            points.Add([1 - Math.Cos(t), 0.5 - Math.Sin(t)]);
            labels.Add(1);
        }

        return (points, labels);
    }

    /// <summary>Epochs of made-up training: loss falling, accuracy rising.</summary>
    private static List<EpochMetrics> Epochs(int count, bool withTest) =>
    [
        .. Enumerable.Range(1, count).Select(e => new EpochMetrics(
            e,
            0.7 * Math.Exp(-e / 5.0),
            1 - (0.5 * Math.Exp(-e / 4.0)),
            withTest ? 0.7 * Math.Exp(-e / 6.0) + 0.05 : null,
            withTest ? 0.95 - (0.45 * Math.Exp(-e / 4.0)) : null)),
    ];

    /// <summary>
    /// The plot area of a two-class decision boundary (the bounding box of the pixels in either region tint, which
    /// fill it) and the two tints.
    /// </summary>
    private static (SKRectI Area, SKColor Tint0, SKColor Tint1) RegionArea(SKBitmap bitmap)
    {
        SKColor tint0 = ToSk(TrainingPlots.RegionColor(0)), tint1 = ToSk(TrainingPlots.RegionColor(1));
        int left = int.MaxValue, top = int.MaxValue, right = -1, bottom = -1;
        for (int y = 0; y < bitmap.Height; y++)
        {
            for (int x = 0; x < bitmap.Width; x++)
            {
                SKColor c = bitmap.GetPixel(x, y);
                if (c == tint0 || c == tint1)
                {
                    left = Math.Min(left, x);
                    top = Math.Min(top, y);
                    right = Math.Max(right, x + 1);
                    bottom = Math.Max(bottom, y + 1);
                }
            }
        }

        Assert.True(right > left && bottom > top, "no pixel in either region tint");
        Assert.True(right - left > bitmap.Width / 2 && bottom - top > bitmap.Height / 2, $"the coloured area {left},{top}..{right},{bottom} is too small");
        return (new SKRectI(left, top, right, bottom), tint0, tint1);
    }

    /// <summary>The most frequent colour in a rectangle of the bitmap.</summary>
    private static SKColor Dominant(SKBitmap bitmap, int left, int top, int right, int bottom)
    {
        var counts = new Dictionary<SKColor, int>();
        for (int y = top; y < bottom; y++)
        {
            for (int x = left; x < right; x++)
            {
                SKColor c = bitmap.GetPixel(x, y);
                counts[c] = counts.GetValueOrDefault(c) + 1;
            }
        }

        return counts.MaxBy(kv => kv.Value).Key;
    }

    /// <summary>How many pixels in the columns [from, to) are within a few levels of the colour.</summary>
    private static int CountNear(SKBitmap bitmap, SKColor color, int from, int to)
    {
        int count = 0;
        for (int y = 0; y < bitmap.Height; y++)
        {
            for (int x = from; x < to; x++)
            {
                SKColor c = bitmap.GetPixel(x, y);
                if (Math.Abs(c.Red - color.Red) <= 8 && Math.Abs(c.Green - color.Green) <= 8 && Math.Abs(c.Blue - color.Blue) <= 8)
                    count++;
            }
        }

        return count;
    }

    private static SKColor ToSk(ScottPlot.Color color) => new(color.R, color.G, color.B, color.A);

    /// <summary>Width and height from the IHDR chunk, which must follow the signature.</summary>
    private static (int Width, int Height) PngSize(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length > 24, $"{path} is too short to be a PNG ({bytes.Length} bytes)");
        Assert.Equal(PngSignature, bytes[..8]);
        Assert.Equal("IHDR"u8.ToArray(), bytes[12..16]);
        return (BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16, 4)), BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20, 4)));
    }
}
