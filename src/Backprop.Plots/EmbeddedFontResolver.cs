using ScottPlot;
using SkiaSharp;

namespace Backprop.Plots;

/// <summary>
/// Resolves "DejaVu Sans" to the TrueType files embedded in this assembly (regular, bold,
/// oblique, bold oblique), so no font has to be installed on the machine.
/// </summary>
internal sealed class EmbeddedFontResolver : IFontResolver
{
    private static readonly Lazy<SKTypeface?>[] Typefaces =
    [
        new(() => Load("DejaVuSans.ttf")),
        new(() => Load("DejaVuSans-Bold.ttf")),
        new(() => Load("DejaVuSans-Oblique.ttf")),
        new(() => Load("DejaVuSans-BoldOblique.ttf")),
    ];

    /// <summary>The typeface of a style, or null when the name is not "DejaVu Sans".</summary>
    /// <param name="fontName">The family asked for.</param>
    /// <param name="bold">Whether bold.</param>
    /// <param name="italic">Whether italic (DejaVu Sans's oblique).</param>
    public SKTypeface? CreateTypeface(string fontName, bool bold, bool italic) =>
        string.Equals(fontName, PlotFonts.FamilyName, StringComparison.OrdinalIgnoreCase)
            ? Typefaces[(bold ? 1 : 0) + (italic ? 2 : 0)].Value
            : null;

    /// <summary>As <see cref="CreateTypeface(string, bool, bool)"/>; semi-bold and heavier count as bold, any slant as oblique.</summary>
    /// <param name="fontName">The family asked for.</param>
    /// <param name="weight">The weight.</param>
    /// <param name="slant">The slant.</param>
    /// <param name="spacing">Ignored: the family has one width.</param>
    public SKTypeface? CreateTypeface(string fontName, FontWeight weight, FontSlant slant, FontSpacing spacing) =>
        CreateTypeface(fontName, (int)weight >= 600, slant != FontSlant.Upright);

    /// <summary>The embedded file as a typeface, or null if the resource is missing (a broken build).</summary>
    private static SKTypeface? Load(string file)
    {
        using Stream? stream = typeof(EmbeddedFontResolver).Assembly.GetManifestResourceStream($"Backprop.Plots.Fonts.{file}");
        if (stream is null) return null;
        using SKData data = SKData.Create(stream);
        return SKTypeface.FromData(data);
    }
}
