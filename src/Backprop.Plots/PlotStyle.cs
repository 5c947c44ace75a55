using Backprop.IO;
using ScottPlot;
using SkiaSharp;

namespace Backprop.Plots;

/// <summary>
/// The look every figure of this project shares, taken from matplotlib's defaults at 100 dpi: sizes, colours,
/// a white plot with a black frame, 10 pt text and a 12 pt title, light grid lines; and the way each figure
/// reaches the disk (checked path, atomic write).
/// </summary>
internal static class PlotStyle
{
    /// <summary>One typographic point in pixels: matplotlib draws at 100 dpi, so 1 pt = 100/72 px.</summary>
    public const float Point = 100f / 72f;

    /// <summary>Size of labels, tick labels and legend text (matplotlib's 10 pt).</summary>
    public const float TextSize = 10 * Point;

    /// <summary>Size of titles (matplotlib's 12 pt).</summary>
    public const float TitleSize = 12 * Point;

    /// <summary>
    /// Width of frame, tick and grid lines. matplotlib's 0.8 pt lines are 1.1 px; ScottPlot draws them without
    /// anti-aliasing, so 1.1 px comes out 1 or 2 px wide by position. One pixel keeps them even.
    /// </summary>
    public const float LineWidth = 1f;

    /// <summary>matplotlib's colour cycle ("tab10"): C0 blue, C1 orange, C2 green, C3 red, ... C9 cyan.</summary>
    public static readonly IReadOnlyList<Color> Cycle =
    [
        Color.FromHex("#1f77b4"),
        Color.FromHex("#ff7f0e"),
        Color.FromHex("#2ca02c"),
        Color.FromHex("#d62728"),
        Color.FromHex("#9467bd"),
        Color.FromHex("#8c564b"),
        Color.FromHex("#e377c2"),
        Color.FromHex("#7f7f7f"),
        Color.FromHex("#bcbd22"),
        Color.FromHex("#17becf"),
    ];

    /// <summary>matplotlib's C0.</summary>
    public static Color Blue => Cycle[0];

    /// <summary>matplotlib's C1.</summary>
    public static Color Orange => Cycle[1];

    /// <summary>matplotlib's <c>'r'</c>.</summary>
    public static readonly Color Red = Color.FromHex("#ff0000");

    /// <summary>Grid lines of <c>ax.grid(True, alpha=0.3)</c>.</summary>
    public static readonly Color GridColor = Color.FromHex("#b0b0b0").WithAlpha(0.3);

    /// <summary>The legend's frame.</summary>
    public static readonly Color LegendEdge = Color.FromHex("#cccccc");

    /// <summary>Checks the target path and returns it in full form.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty, blank or names a folder.</exception>
    public static string ValidatePath(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string fullPath = Path.GetFullPath(path);
        if (string.IsNullOrEmpty(Path.GetFileName(fullPath)) || Directory.Exists(fullPath))
            throw new ArgumentException($"'{path}' names a folder; give the path of the PNG file to write.", nameof(path));
        return fullPath;
    }

    /// <summary>
    /// A plot styled like matplotlib's defaults: white, black frame, 10 pt text, 12 pt title, matplotlib's
    /// choice of ticks on linear axes, legend in the upper right. Sets the font first (see <see cref="PlotFonts"/>).
    /// </summary>
    public static Plot NewPlot(string title, string xLabel, string yLabel)
    {
        PlotFonts.UseDejaVuSans();
        var plot = new Plot();
        plot.Axes.Title.Label.Text = title;
        plot.Axes.Title.Label.FontSize = TitleSize;
        plot.Axes.Title.Label.Bold = false;
        plot.Axes.Title.IsVisible = true;

        plot.Axes.Bottom.Label.Text = xLabel;
        plot.Axes.Bottom.TickGenerator = new MaxNTickGenerator();
        plot.Axes.Left.TickGenerator = new MaxNTickGenerator();
        plot.Axes.Left.Label.Text = yLabel;
        foreach (IAxis axis in plot.Axes.GetAxes())
        {
            axis.Label.FontSize = TextSize;
            axis.Label.Bold = false;
            axis.TickLabelStyle.FontSize = TextSize;
            axis.FrameLineStyle.Width = LineWidth;
            axis.MajorTickStyle.Length = 3.5f * Point;
            axis.MajorTickStyle.Width = LineWidth;
            axis.MinorTickStyle.Length = 2f * Point;
            axis.MinorTickStyle.Width = LineWidth;
        }

        plot.Legend.FontSize = TextSize;
        plot.Legend.OutlineColor = LegendEdge;
        plot.Legend.BackgroundColor = Colors.White.WithAlpha(0.8);
        plot.Legend.ShadowColor = Colors.Transparent;
        plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }

    /// <summary>matplotlib's <c>ax.grid(True, alpha=0.3)</c>, optionally on minor ticks too (<c>which='both'</c>).</summary>
    public static void ShowGrid(Plot plot, bool minor)
    {
        plot.Grid.IsVisible = true;
        plot.Grid.MajorLineColor = GridColor;
        plot.Grid.MajorLineWidth = LineWidth;
        plot.Grid.MinorLineColor = minor ? GridColor : Colors.Transparent;
        plot.Grid.MinorLineWidth = minor ? LineWidth : 0;
    }

    /// <summary>Hides the grid (for plots whose background is the data, such as a coloured map).</summary>
    public static void HideGrid(Plot plot) => plot.Grid.IsVisible = false;

    /// <summary>Renders the plot to a PNG of the given size and writes it atomically (temporary file, then rename).</summary>
    public static void Save(Plot plot, string fullPath, int width, int height) =>
        WritePng(fullPath, plot.GetImageBytes(width, height, ImageFormat.Png));

    /// <summary>
    /// Renders plots side by side, each in an equal share of the width, into one PNG, and writes it atomically.
    /// </summary>
    public static void SaveSideBySide(IReadOnlyList<Plot> plots, string fullPath, int width, int height)
    {
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using SKSurface surface = SKSurface.Create(info);
        SKCanvas canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        for (int i = 0; i < plots.Count; i++)
        {
            // Each plot fills the whole canvas it renders on, so each gets its own, drawn into its share of the width.
            int left = (int)Math.Round((double)i * width / plots.Count);
            int right = (int)Math.Round((double)(i + 1) * width / plots.Count);
            using SKSurface panel = SKSurface.Create(new SKImageInfo(right - left, height, SKColorType.Rgba8888, SKAlphaType.Premul));
            plots[i].Render(panel);
            using SKImage panelImage = panel.Snapshot();
            canvas.DrawImage(panelImage, left, 0);
        }

        canvas.Flush();
        using SKImage image = surface.Snapshot();
        using SKData data = image.Encode(SKEncodedImageFormat.Png, 100);
        WritePng(fullPath, data.ToArray());
    }

    /// <summary>Creates the folder when missing and writes the bytes atomically.</summary>
    private static void WritePng(string fullPath, byte[] png)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        AtomicFile.Write(fullPath, stream => stream.Write(png));
    }
}
