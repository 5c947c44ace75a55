using Backprop.Plots;
using ScottPlot;

namespace Backprop.Tests.Plots;

/// <summary>The plots' font travels inside Backprop.Plots: nothing is needed from the system.</summary>
public sealed class EmbeddedFontTests
{
    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void EveryStyleOfDejaVuSansIsEmbedded(bool bold, bool italic)
    {
        SkiaSharp.SKTypeface? typeface = new EmbeddedFontResolver().CreateTypeface("DejaVu Sans", bold, italic);
        Assert.NotNull(typeface);
        Assert.Equal("DejaVu Sans", typeface!.FamilyName);
        Assert.Equal(bold, typeface.IsBold);
        Assert.Equal(italic, typeface.IsItalic);
    }

    [Fact]
    public void TheEmbeddedFontIsConsultedFirstAndOtherNamesAreLeftToTheSystem()
    {
        PlotFonts.UseDejaVuSans();
        Assert.IsType<EmbeddedFontResolver>(Fonts.FontResolvers[0]);
        Assert.Null(new EmbeddedFontResolver().CreateTypeface("Comic Sans MS", false, false));
    }

    [Fact]
    public void TheLicenceShipsBesideTheAssembly() =>
        Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, "Fonts", "LICENSE-DejaVu.txt")));
}
