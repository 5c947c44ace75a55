using ScottPlot;
using SkiaSharp;

namespace Backprop.Plots;

/// <summary>
/// Makes ScottPlot draw every label in "DejaVu Sans", the font the chapter's matplotlib figures use.
/// </summary>
/// <remarks>
/// ScottPlot 5 resolves a font name through <see cref="Fonts.FontResolvers"/>; its system resolver only
/// returns a typeface when Skia's font manager lists the family. The SkiaSharp native build ScottPlot pulls
/// in on Linux (SkiaSharp.NativeAssets.Linux.NoDependencies) does not use fontconfig: it scans
/// <c>/usr/share/fonts/</c> itself. When that scan does not find the family, the TrueType files of the
/// Debian package fonts-dejavu-core are registered by path instead. A name that resolves to nothing makes
/// ScottPlot fall back silently to whatever font Skia picks first, so this class checks the result and fails
/// loudly rather than drawing with a different font.
/// </remarks>
public static class PlotFonts
{
    /// <summary>The font family every plot of this project uses.</summary>
    public const string FamilyName = "DejaVu Sans";

    /// <summary>Text drawn by the plots; the chosen typeface must have a glyph for every character.</summary>
    private const string SampleText = "Gradient |gradient| Count Epoch Accuracy (%) x\u2081 x\u2082 0123456789.-+ ()\u2212\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079\u207b";

    /// <summary>Folders where distributions install the fonts-dejavu-core files.</summary>
    private static readonly string[] FontFolders =
    [
        "/usr/share/fonts/truetype/dejavu",
        "/usr/share/fonts/dejavu",
        "/usr/share/fonts/TTF",
        "/usr/share/fonts/dejavu-sans-fonts",
        "/usr/local/share/fonts",
        "/usr/local/share/fonts/dejavu",
    ];

    /// <summary>The four styles of the family and the file that holds each.</summary>
    private static readonly (string File, bool Bold, bool Italic)[] FontFiles =
    [
        ("DejaVuSans.ttf", false, false),
        ("DejaVuSans-Bold.ttf", true, false),
        ("DejaVuSans-Oblique.ttf", false, true),
        ("DejaVuSans-BoldOblique.ttf", true, true),
    ];

    private static readonly Lock Gate = new();
    private static volatile bool configured;

    /// <summary>
    /// Sets <see cref="Fonts.Default"/> (and <see cref="Fonts.Sans"/>) to "DejaVu Sans", registering the
    /// font files by path when Skia's font manager does not list the family. Call it before creating a
    /// <see cref="Plot"/>: ScottPlot copies <see cref="Fonts.Default"/> into each label when the label is made.
    /// </summary>
    /// <remarks>Idempotent and thread-safe: the work runs once; later calls return at once.</remarks>
    /// <exception cref="InvalidOperationException">
    /// "DejaVu Sans" cannot be found or has no glyphs for the plots' text; install it with
    /// <c>apt-get install fonts-dejavu-core</c>.
    /// </exception>
    public static void UseDejaVuSans()
    {
        if (configured)
            return;

        lock (Gate)
        {
            if (configured)
                return;

            if (!SystemListsFamily())
                RegisterFontFiles();

            if (!Resolves(FamilyName))
            {
                throw new InvalidOperationException(
                    $"The font \"{FamilyName}\" was not found: Skia's font manager does not list it and none of " +
                    $"{string.Join(", ", FontFolders)} holds {FontFiles[0].File}. " +
                    "Install it with `apt-get install fonts-dejavu-core`.");
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

    /// <summary>Whether Skia's own font manager lists the family (then ScottPlot's system resolver finds it).</summary>
    private static bool SystemListsFamily() =>
        SKFontManager.Default.FontFamilies.Contains(FamilyName, StringComparer.OrdinalIgnoreCase);

    /// <summary>Registers the family's TTF files, from the first folder that holds the regular style.</summary>
    private static void RegisterFontFiles()
    {
        string? folder = FontFolders.FirstOrDefault(f => File.Exists(Path.Combine(f, FontFiles[0].File)));
        if (folder is null)
            return;

        foreach ((string file, bool bold, bool italic) in FontFiles)
        {
            string path = Path.Combine(folder, file);
            if (File.Exists(path))
                Fonts.AddFontFile(FamilyName, path, bold, italic);
        }
    }

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
