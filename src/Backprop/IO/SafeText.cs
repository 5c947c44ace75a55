using System.Globalization;
using System.Text;

namespace Backprop.IO;

/// <summary>Makes text from files and requests safe to put in a one-line message.</summary>
public static class SafeText
{
    /// <summary>Longest quoted text a message carries (a hostile file could hold megabytes).</summary>
    public const int MaxQuoted = 200;

    /// <summary>
    /// <paramref name="text"/> with every control character (C0, DEL, C1: escape sequences,
    /// carriage returns, bells) written as <c>\uXXXX</c>, cut to <paramref name="max"/>
    /// characters with an ellipsis and the full length, so untrusted text can neither steer a
    /// terminal nor flood it.
    /// </summary>
    /// <param name="text">The untrusted text.</param>
    /// <param name="max">The most characters kept.</param>
    public static string Printable(string? text, int max = MaxQuoted)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var result = new StringBuilder(Math.Min(text.Length, max) + 16);
        int kept = Math.Min(text.Length, max);
        for (int i = 0; i < kept; i++)
        {
            char c = text[i];
            if (c < 0x20 || c is >= '\u007f' and <= '\u009f' || c is '\u2028' or '\u2029' or '\u202e')
                result.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            else
                result.Append(c);
        }
        if (kept < text.Length) result.Append("… (").Append(text.Length.ToString("N0", CultureInfo.InvariantCulture)).Append(" characters)");
        return result.ToString();
    }
}
