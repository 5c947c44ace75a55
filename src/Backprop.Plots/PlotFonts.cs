using ScottPlot;
using SkiaSharp;

namespace Backprop.Plots;

/// <summary>
/// Makes ScottPlot draw every label in "DejaVu Sans", the font the chapter's matplotlib figures use.
/// </summary>
/// <remarks>
/// ScottPlot 5 resolves a font name through <see cref="Fonts.FontResolvers"/>. The family's four TrueType
/// files are embedded in this assembly (see <c>Fonts/README.md</c>) and served by a resolver put first in
/// that list, so plots look the same on every machine and need no font installed: the SkiaSharp native
/// build ScottPlot pulls in on Linux does not use fontconfig, and without the fonts-dejavu-core package
/// it would otherwise fall back silently to whatever it finds. The result is still checked (glyphs, ink),
/// so a broken build fails loudly rather than drawing with a different font.
/// </remarks>
public static class PlotFonts
{
    /// <summary>The font family every plot of this project uses.</summary>
    public const string FamilyName = "DejaVu Sans";

    /// <summary>Text drawn by the plots; the chosen typeface must have a glyph for every character.</summary>
    private const string SampleText = "Gradient |gradient| Count Epoch Accuracy (%) x\u2081 x\u2082 0123456789.-+ ()\u2212\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079\u207b";

    private static readonly Lock Gate = new();
    private static volatile bool configured;

    /// <summary>
    /// Sets <see cref="Fonts.Default"/> (and <see cref="Fonts.Sans"/>) to "DejaVu Sans", served from the
    /// font files embedded in this assembly. Call it before creating a
    /// <see cref="Plot"/>: ScottPlot copies <see cref="Fonts.Default"/> into each label when the label is made.
    /// </summary>
    /// <remarks>Idempotent and thread-safe: the work runs once; later calls return at once.</remarks>
    /// <exception cref="InvalidOperationException">
    /// The embedded "DejaVu Sans" did not load or has no glyphs for the plots' text (a broken build).
    /// </exception>
    public static void UseDejaVuSans()
    {
        if (configured)
            return;

        lock (Gate)
        {
            if (configured)
                return;

            if (!Fonts.FontResolvers.OfType<EmbeddedFontResolver>().Any())
                Fonts.FontResolvers.Insert(0, new EmbeddedFontResolver());

            if (!Resolves(FamilyName))
            {
                throw new InvalidOperationException(
                    $"The font \"{FamilyName}\" embedded in Backprop.Plots did not load (its resources are missing or damaged); rebuild the package.");
            }

            Fonts.Default = FamilyName;
            Fonts.Sans = FamilyName;
            configured = true;
        }
    }

    /// <summary>
    /// Reports whether <see cref="Fonts.Default"/> resolves to a real typeface of that family: one whose
    /// family name matches, which has glyphs for every character the plots draw, and which puts ink on a
    /// bitmap when it draws text. A name that resolves to nothing makes ScottPlot fall back to another
    /// font silently; this is the check that catches it.
    /// </summary>
    /// <returns><see langword="true"/> when the default font renders text; otherwise <see langword="false"/>.</returns>
    public static bool DefaultFontResolves() => Resolves(Fonts.Default);

    /// <summary>Whether ScottPlot resolves <paramref name="family"/> to that family, with glyphs, drawing ink.</summary>
    private static bool Resolves(string family)
    {
        if (string.IsNullOrWhiteSpace(family))
            return false;

        SKTypeface typeface = Fonts.GetTypeface(family, bold: false, italic: false);
        if (typeface is null
            || !string.Equals(typeface.FamilyName, family, StringComparison.OrdinalIgnoreCase)
            || typeface.GlyphCount == 0
            || !typeface.ContainsGlyphs(SampleText))
        {
            return false;
        }

        return DrawsInk(typeface);
    }

    /// <summary>Draws a word with the typeface and reports whether any pixel turned dark.</summary>
    private static bool DrawsInk(SKTypeface typeface)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(96, 32, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(bitmap))
        using (var font = new SKFont(typeface, 20))
        using (var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true })
        {
            canvas.Clear(SKColors.White);
            canvas.DrawText("Count", 4, 24, SKTextAlign.Left, font, paint);
        }

        int inked = 0;
        for (int y = 0; y < bitmap.Height; y++)
        {
            for (int x = 0; x < bitmap.Width; x++)
            {
                if (bitmap.GetPixel(x, y).Red < 128)
                    inked++;
            }
        }

        return inked > 0;
    }
}
