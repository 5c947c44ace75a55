using System.Buffers.Binary;
using Backprop.Plots;
using ScottPlot;
using Xunit;

namespace Backprop.Tests.Plots;

/// <summary>The chapter's figures: the font they draw with, their files, their arguments.</summary>
public sealed class ChapterPlotsTests : IDisposable
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    private readonly string folder =
        Path.Combine(Path.GetTempPath(), "backprop-plots-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(folder))
            Directory.Delete(folder, recursive: true);
    }

    // ---- font ----

    [Fact]
    public void DejaVuSans_resolves_to_a_real_typeface()
    {
        PlotFonts.UseDejaVuSans();

        Assert.Equal("DejaVu Sans", Fonts.Default);
        Assert.True(
            PlotFonts.DefaultFontResolves(),
            "\"DejaVu Sans\" does not resolve to a typeface that draws text; install it: apt-get install fonts-dejavu-core");
        Assert.Equal("DejaVu Sans", Fonts.GetTypeface(Fonts.Default, bold: false, italic: false).FamilyName);
        Assert.Equal("DejaVu Sans", Fonts.GetTypeface(Fonts.Default, bold: true, italic: false).FamilyName);
    }

    [Fact]
    public void UseDejaVuSans_is_idempotent_and_thread_safe()
    {
        Parallel.For(0, 16, _ => PlotFonts.UseDejaVuSans());
        int resolvers = Fonts.FontResolvers.Count;

        PlotFonts.UseDejaVuSans();

        Assert.Equal(resolvers, Fonts.FontResolvers.Count);
        Assert.True(PlotFonts.DefaultFontResolves());
    }

    // ---- files ----

    [Fact]
    public void SaveGradientHistogram_writes_an_800x400_png()
    {
        string path = Path.Combine(folder, "gradients.png");

        ChapterPlots.SaveGradientHistogram(path, Magnitudes(100, seed: 1), Magnitudes(100, seed: 2));

        Assert.Equal((800, 400), PngSize(path));
        Assert.Equal([path], Directory.GetFiles(folder)); // no temporary file left behind
    }

    [Fact]
    public void SaveVanishing_writes_an_800x400_png()
    {
        string path = Path.Combine(folder, "vanishing.png");
        double[] norms = [.. Enumerable.Range(0, 13).Select(k => Math.Pow(0.234, k))];

        ChapterPlots.SaveVanishing(path, norms);

        Assert.Equal((800, 400), PngSize(path));
        Assert.Equal([path], Directory.GetFiles(folder));
    }

    [Fact]
    public void Saving_replaces_an_existing_file_and_creates_the_folder()
    {
        string path = Path.Combine(folder, "nested", "vanishing.png");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "not a png");

        ChapterPlots.SaveVanishing(path, [1.0, 0.1]);
        ChapterPlots.SaveGradientHistogram(Path.Combine(folder, "new", "gradients.png"), [1.0], [2.0]);

        Assert.Equal((800, 400), PngSize(path));
        Assert.Equal((800, 400), PngSize(Path.Combine(folder, "new", "gradients.png")));
    }

    [Fact]
    public void A_single_point_and_equal_values_still_plot()
    {
        ChapterPlots.SaveVanishing(Path.Combine(folder, "one.png"), [0.5]);
        ChapterPlots.SaveGradientHistogram(Path.Combine(folder, "flat.png"), [0.3, 0.3, 0.3], [0.0, 0.0]);

        Assert.Equal((800, 400), PngSize(Path.Combine(folder, "one.png")));
        Assert.Equal((800, 400), PngSize(Path.Combine(folder, "flat.png")));
    }

    // ---- argument errors ----

    [Fact]
    public void SaveGradientHistogram_rejects_bad_arguments_naming_them()
    {
        string path = Path.Combine(folder, "g.png");
        double[] ok = [0.1, 0.2];

        Assert.Equal("layer2", Assert.ThrowsAny<ArgumentException>(() => ChapterPlots.SaveGradientHistogram(path, [], ok)).ParamName);
        Assert.Equal("layer1", Assert.ThrowsAny<ArgumentException>(() => ChapterPlots.SaveGradientHistogram(path, ok, [])).ParamName);
        Assert.Equal("layer2", Assert.Throws<ArgumentNullException>(() => ChapterPlots.SaveGradientHistogram(path, null!, ok)).ParamName);
        Assert.Equal("layer1", Assert.Throws<ArgumentNullException>(() => ChapterPlots.SaveGradientHistogram(path, ok, null!)).ParamName);
        Assert.Equal("layer2", Assert.ThrowsAny<ArgumentException>(() => ChapterPlots.SaveGradientHistogram(path, [0.1, double.NaN], ok)).ParamName);
        Assert.Equal("layer1", Assert.ThrowsAny<ArgumentException>(() => ChapterPlots.SaveGradientHistogram(path, ok, [double.PositiveInfinity])).ParamName);
        Assert.Equal("path", Assert.ThrowsAny<ArgumentException>(() => ChapterPlots.SaveGradientHistogram("", ok, ok)).ParamName);
        Assert.Equal("path", Assert.ThrowsAny<ArgumentException>(() => ChapterPlots.SaveGradientHistogram(null!, ok, ok)).ParamName);
        Assert.False(Directory.Exists(folder) && Directory.GetFiles(folder).Length > 0);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1e-3)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void SaveVanishing_rejects_values_a_log_scale_cannot_show(double bad)
    {
        var e = Assert.ThrowsAny<ArgumentException>(
            () => ChapterPlots.SaveVanishing(Path.Combine(folder, "v.png"), [1.0, bad, 0.01]));

        Assert.Equal("gradNorms", e.ParamName);
        Assert.Contains("[1]", e.Message);
    }

    [Fact]
    public void SaveVanishing_rejects_empty_and_null_lists_and_bad_paths()
    {
        string path = Path.Combine(folder, "v.png");

        Assert.Equal("gradNorms", Assert.ThrowsAny<ArgumentException>(() => ChapterPlots.SaveVanishing(path, [])).ParamName);
        Assert.Equal("gradNorms", Assert.Throws<ArgumentNullException>(() => ChapterPlots.SaveVanishing(path, null!)).ParamName);
        Assert.Equal("path", Assert.ThrowsAny<ArgumentException>(() => ChapterPlots.SaveVanishing("  ", [1.0])).ParamName);
        Assert.Equal("path", Assert.ThrowsAny<ArgumentException>(() => ChapterPlots.SaveVanishing(Path.GetTempPath(), [1.0])).ParamName);
    }

    // ---- binning and ticks, as numpy and matplotlib compute them ----

    [Fact]
    public void Histogram_bins_match_numpy()
    {
        // np.histogram(np.arange(11), bins=5) -> counts [2 2 2 2 3], edges [0 2 4 6 8 10]
        HistogramBins bins = HistogramBins.Compute([.. Enumerable.Range(0, 11).Select(i => (double)i)], 5);
        Assert.Equal([2, 2, 2, 2, 3], bins.Counts);
        Assert.Equal([0.0, 2, 4, 6, 8, 10], bins.Edges);

        // np.histogram([3, 3, 3], bins=20): range widened to [2.5, 3.5]; all three in bin 10
        HistogramBins flat = HistogramBins.Compute([3.0, 3, 3], 20);
        Assert.Equal(2.5, flat.Edges[0]);
        Assert.Equal(3.5, flat.Edges[^1]);
        Assert.Equal(3, flat.Counts[10]);
        Assert.Equal(3, flat.Counts.Sum());

        // np.histogram([0.1, 0.2, 0.3], bins=3) -> [1 1 1]
        Assert.Equal([1, 1, 1], HistogramBins.Compute([0.1, 0.2, 0.3], 3).Counts);
    }

    [Fact]
    public void Histogram_counts_every_value_once()
    {
        double[] values = Magnitudes(1000, seed: 3);
        HistogramBins bins = HistogramBins.Compute(values, 20);

        Assert.Equal(20, bins.BinCount);
        Assert.Equal(21, bins.Edges.Count);
        Assert.Equal(values.Length, bins.Counts.Sum());
        Assert.Equal(values.Min(), bins.Edges[0]);
        Assert.Equal(values.Max(), bins.Edges[^1]);
    }

    [Theory]
    [InlineData(-0.2075, 4.3575, new[] { 0.0, 1, 2, 3, 4 })]        // the chapter's histogram
    [InlineData(-0.125, 2.625, new[] { 0.0, 0.5, 1, 1.5, 2, 2.5 })]
    [InlineData(-0.6, 12.6, new[] { 0.0, 2, 4, 6, 8, 10, 12 })]    // layers 0..12
    [InlineData(0.0, 24.15, new[] { 0.0, 5, 10, 15, 20 })]          // counts up to 23
    public void Linear_ticks_match_matplotlib(double min, double max, double[] expected)
    {
        double[] ticks = MaxNTickGenerator.Positions(min, max, 9);

        Assert.Equal(expected.Length, ticks.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.Equal(expected[i], ticks[i], 9);
    }

    [Theory]
    [InlineData(0, "10\u2070")]
    [InlineData(-1, "10\u207b\u00b9")]
    [InlineData(-7, "10\u207b\u2077")]
    [InlineData(12, "10\u00b9\u00b2")]
    public void Log_tick_labels_are_powers_of_ten_with_superscripts(int exponent, string expected) =>
        Assert.Equal(expected, LogDecadeTickGenerator.Label(exponent));

    // ---- helpers ----

    /// <summary>Width and height from the IHDR chunk, which must follow the signature.</summary>
    private static (int Width, int Height) PngSize(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length > 24, $"{path} is too short to be a PNG ({bytes.Length} bytes)");
        Assert.Equal(PngSignature, bytes[..8]);
        Assert.Equal("IHDR"u8.ToArray(), bytes[12..16]);
        return (BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16, 4)), BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20, 4)));
    }

    /// <summary>Exponentially distributed magnitudes, seeded.</summary>
    private static double[] Magnitudes(int count, int seed)
    {
        var random = new System.Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => -0.5 * Math.Log(1 - random.NextDouble()))];
    }
}
