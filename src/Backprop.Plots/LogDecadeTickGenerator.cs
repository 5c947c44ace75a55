using System.Globalization;
using System.Text;
using ScottPlot;

namespace Backprop.Plots;

/// <summary>
/// Ticks for an axis that plots <c>log10</c> of the data, as matplotlib's log scale draws them: a labelled
/// major tick at every power of ten (10⁰, 10⁻¹, ...) and unlabelled minor ticks at 2..9 times each power.
/// </summary>
/// <remarks>
/// ScottPlot 5 has no log axis: a log plot draws <c>log10(y)</c> on a linear axis and lets the tick generator
/// say what the positions mean. Its <see cref="ScottPlot.TickGenerators.LogMinorTickGenerator"/> places minor ticks
/// from the spacing of the major ticks that <see cref="ScottPlot.TickGenerators.NumericAutomatic"/> picks,
/// which is only right when that spacing is exactly one decade; this generator puts every tick at a power
/// of ten itself. When the range spans more decades than <see cref="MaxTickCount"/>, it labels every
/// k-th decade and marks the others with minor ticks.
/// </remarks>
internal sealed class LogDecadeTickGenerator : ITickGenerator
{
    /// <inheritdoc/>
    public Tick[] Ticks { get; private set; } = [];

    /// <inheritdoc/>
    public int MaxTickCount { get; set; } = 12;

    /// <inheritdoc/>
    public void Regenerate(CoordinateRange range, Edge edge, PixelLength size, Paint paint, LabelStyle labelStyle)
    {
        double min = range.Min, max = range.Max;
        if (!double.IsFinite(min) || !double.IsFinite(max) || max - min > 1000)
        {
            Ticks = [];
            return;
        }

        int lowDecade = (int)Math.Floor(min);
        int highDecade = (int)Math.Ceiling(max);
        int decades = highDecade - lowDecade + 1;
        int stride = Math.Max(1, (int)Math.Ceiling(decades / (double)Math.Max(1, MaxTickCount)));

        var ticks = new List<Tick>();
        for (int decade = lowDecade; decade <= highDecade; decade++)
        {
            bool major = decade % stride == 0;
            if (major && decade >= min && decade <= max)
                ticks.Add(Tick.Major(decade, Label(decade)));
            else if (!major && decade >= min && decade <= max)
                ticks.Add(Tick.Minor(decade));

            if (stride > 1)
                continue;
            for (int k = 2; k <= 9; k++)
            {
                double position = decade + Math.Log10(k);
                if (position >= min && position <= max)
                    ticks.Add(Tick.Minor(position));
            }
        }

        Ticks = [.. ticks];
    }

    /// <summary>"10" with the exponent in Unicode superscripts, as matplotlib writes $10^{-3}$: 10⁻³.</summary>
    internal static string Label(int exponent)
    {
        var text = new StringBuilder("10");
        foreach (char c in exponent.ToString(CultureInfo.InvariantCulture))
        {
            text.Append(c switch
            {
                '-' => '\u207b',
                '0' => '\u2070',
                '1' => '\u00b9',
                '2' => '\u00b2',
                '3' => '\u00b3',
                _ => (char)('\u2074' + (c - '4')),
            });
        }

        return text.ToString();
    }
}
