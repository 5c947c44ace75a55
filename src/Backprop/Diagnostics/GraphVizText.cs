using System.Globalization;
using System.Text;

namespace Backprop;

/// <summary>
/// Text for DOT files: quoting and escaping of labels, number formatting, and the pieces every
/// drawing shares (header, caption, the note on nodes left out).
/// </summary>
internal static class GraphVizText
{
    /// <summary>
    /// <paramref name="text"/> as the inside of a double-quoted DOT string: backslashes and
    /// quotes escaped (so that DOT's own escapes such as <c>\N</c> cannot be triggered by a
    /// label), newlines as <c>\n</c>, other control characters dropped. With
    /// <paramref name="record"/>, the characters that structure a record label
    /// (<c>{ } | &lt; &gt;</c>) are escaped too.
    /// </summary>
    public static string Escape(string text, bool record = false)
    {
        var escaped = new StringBuilder(text.Length + 8);
        foreach (char c in text)
        {
            switch (c)
            {
                case '\\': escaped.Append(@"\\"); break;
                case '"': escaped.Append("\\\""); break;
                case '\n': escaped.Append(@"\n"); break;
                case '{' or '}' or '|' or '<' or '>' when record: escaped.Append('\\').Append(c); break;
                default:
                    if (!char.IsControl(c)) escaped.Append(c);
                    break;
            }
        }
        return escaped.ToString();
    }

    /// <summary>A number as the drawings show it: four decimals, invariant culture (micrograd's <c>%.4f</c>).</summary>
    public static string Number(double value) => value.ToString("F4", CultureInfo.InvariantCulture);

    /// <summary>A count with thousands separators, e.g. <c>10,000</c>.</summary>
    public static string Count(int value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>Opens a left-to-right digraph with the given default node attributes and optional caption.</summary>
    public static void Header(StringBuilder dot, string nodeDefaults, string? title)
    {
        dot.Append("digraph G {\n");
        dot.Append("  rankdir=LR;\n");
        dot.Append("  fontname=\"Helvetica\";\n");
        dot.Append("  node [").Append(nodeDefaults).Append("];\n");
        if (title is not null) dot.Append("  labelloc=t;\n  label=\"").Append(Escape(title)).Append("\";\n");
    }

    /// <summary>
    /// The note node of a cut graph: how many nodes were left out of how many, and the cap. Edges
    /// from it lead to the drawn nodes whose inputs were left out.
    /// </summary>
    public static void Omitted(StringBuilder dot, int left, int total, int cap, string noun, IEnumerable<string> cutTargets)
    {
        string note = $"{Count(left)} more {noun} not drawn\n(the graph has {Count(total)}; MaxNodes = {Count(cap)}\nkeeps those nearest the output)";
        dot.Append("  omitted [shape=note, style=filled, fillcolor=lightyellow, fontname=\"Helvetica\", label=\"")
           .Append(Escape(note)).Append("\"];\n");
        foreach (string target in cutTargets) dot.Append("  omitted -> ").Append(target).Append(" [style=dashed];\n");
    }
}
