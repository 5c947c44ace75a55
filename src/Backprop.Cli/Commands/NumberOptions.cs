using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Backprop.Cli.Commands;

/// <summary>
/// Numeric options that read their value exactly as written, in the invariant culture: no
/// thousands separators (<c>--lr 1,5</c> is an error, not 15), no exponent in an integer, no
/// NaN or infinity, and a range checked at parse time, so a bad number is a usage error in one
/// line that names the option, the text and what is expected.
/// </summary>
public static class NumberOptions
{
    /// <summary>An integer option with a default.</summary>
    /// <param name="name">The option, e.g. <c>--epochs</c>.</param>
    /// <param name="description">Help text.</param>
    /// <param name="defaultValue">The value when the option is absent.</param>
    /// <param name="min">Smallest value accepted.</param>
    /// <param name="max">Largest value accepted.</param>
    public static Option<int> Int(string name, string description, int defaultValue, int min, int max = int.MaxValue) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = r => ParseInt(r, name, min, max) ?? defaultValue,
    };

    /// <summary>An integer option that may be absent (null), so the command can choose a default that depends on other options.</summary>
    /// <param name="name">The option.</param>
    /// <param name="description">Help text.</param>
    /// <param name="min">Smallest value accepted.</param>
    /// <param name="max">Largest value accepted.</param>
    public static Option<int?> OptionalInt(string name, string description, int min, int max = int.MaxValue) => new(name)
    {
        Description = description,
        CustomParser = r => ParseInt(r, name, min, max),
    };

    /// <summary>A seed: an unsigned 32-bit integer.</summary>
    /// <param name="name">The option.</param>
    /// <param name="description">Help text.</param>
    /// <param name="defaultValue">The value when absent, or null to leave it absent.</param>
    public static Option<uint?> Seed(string name, string description, uint? defaultValue) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = r =>
        {
            string text = Token(r);
            if (uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out uint value)) return value;
            r.AddError($"{name}: '{Quote(text)}' is not a whole number from 0 to {uint.MaxValue}");
            return defaultValue;
        },
    };

    /// <summary>A real-valued option that may be absent (null).</summary>
    /// <param name="name">The option.</param>
    /// <param name="description">Help text.</param>
    /// <param name="min">Smallest value accepted.</param>
    /// <param name="max">Largest value accepted.</param>
    /// <param name="maxExclusive">Whether <paramref name="max"/> itself is refused.</param>
    /// <param name="minExclusive">Whether <paramref name="min"/> itself is refused.</param>
    public static Option<double?> OptionalDouble(string name, string description, double min, double max, bool maxExclusive = false, bool minExclusive = false) => new(name)
    {
        Description = description,
        CustomParser = r => ParseDouble(r, name, min, max, minExclusive, maxExclusive),
    };

    /// <summary>Reads an integer as written, or adds a one-line error.</summary>
    private static int? ParseInt(ArgumentResult r, string name, int min, int max)
    {
        string text = Token(r);
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
        {
            r.AddError($"{name}: '{Quote(text)}' is not a whole number (write it in digits, e.g. {Math.Max(min, 1)})");
            return null;
        }
        if (value < min || value > max)
        {
            r.AddError(max == int.MaxValue
                ? $"{name} must be at least {min}, got {Quote(text)}"
                : $"{name} must be from {min} to {max}, got {Quote(text)}");
            return null;
        }
        return (int)value;
    }

    /// <summary>Reads a real number as written (digits, one '.', an optional exponent), or adds a one-line error.</summary>
    private static double? ParseDouble(ArgumentResult r, string name, double min, double max, bool minExclusive, bool maxExclusive)
    {
        string text = Token(r);
        if (!double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out double value)
            || !double.IsFinite(value))
        {
            r.AddError($"{name}: '{Quote(text)}' is not a number (write it with a '.' for the decimal point, e.g. 0.01 or 1e-3)");
            return null;
        }
        bool low = minExclusive ? value <= min : value < min;
        bool high = maxExclusive ? value >= max : value > max;
        if (low || high)
        {
            string range = $"{(minExclusive ? "(" : "[")}{F(min)}, {F(max)}{(maxExclusive ? ")" : "]")}";
            r.AddError($"{name} must be in {range}, got {Quote(text)}");
            return null;
        }
        return value;
    }

    private static string F(double v) => double.IsPositiveInfinity(v) ? "inf" : v.ToString("R", CultureInfo.InvariantCulture);

    private static string Token(ArgumentResult r) => r.Tokens.Count == 0 ? "" : r.Tokens[^1].Value;

    private static string Quote(string text) => ConsoleText.Printable(text, 40);
}
