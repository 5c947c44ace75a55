using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Backprop.Playground.Runs;

/// <summary>Points as CSV (<c>x1,x2,label</c>, a header line, one point a line) and as the JSON of <c>POST …/points</c>.</summary>
public static class PointsCsv
{
    /// <summary>The most points a request may carry.</summary>
    public const int MaxPoints = 2000;

    /// <summary>The points as CSV with a header, numbers in the shortest form that reads back exactly.</summary>
    /// <param name="points">The points.</param>
    public static string Write(IEnumerable<DataPoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var text = new StringBuilder("x1,x2,label\n");
        foreach (DataPoint p in points)
            text.Append(CultureInfo.InvariantCulture, $"{p.X1:R},{p.X2:R},{p.Label:R}\n");
        return text.ToString();
    }

    /// <summary>Reads CSV written by <see cref="Write"/> (the header line is optional; blank lines are skipped).</summary>
    /// <param name="csv">The text.</param>
    /// <exception cref="SettingsException">A line that is not three numbers, or too many points; the message names the line.</exception>
    public static List<DataPoint> Read(string csv)
    {
        ArgumentNullException.ThrowIfNull(csv);
        var points = new List<DataPoint>();
        string[] lines = csv.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Trim();
            if (line.Length == 0 || (i == 0 && line.StartsWith("x1", StringComparison.OrdinalIgnoreCase))) continue;
            string[] cells = line.Split(',');
            if (cells.Length != 3 || !TryNumber(cells[0], out double x1) || !TryNumber(cells[1], out double x2) || !TryNumber(cells[2], out double label))
                throw new SettingsException($"points.csv line {i + 1}: expected x1,x2,label (three numbers), got '{RunSettings.Shown(line)}'");
            if (points.Count == MaxPoints) throw new SettingsException($"points.csv holds more than {MaxPoints} points");
            points.Add(new DataPoint(x1, x2, label));
        }
        return points;
    }

    /// <summary>Reads <c>{"points": [[x1, x2, label], …]}</c>.</summary>
    /// <param name="body">The request's JSON object.</param>
    /// <exception cref="SettingsException">Not an array of number triples, or too many.</exception>
    public static List<DataPoint> FromJson(JsonElement body)
    {
        if (!body.TryGetProperty("points", out JsonElement array) || array.ValueKind != JsonValueKind.Array)
            throw new SettingsException("points must be an array of [x1, x2, label]");
        if (array.GetArrayLength() > MaxPoints) throw new SettingsException($"points must hold at most {MaxPoints} points, got {array.GetArrayLength()}");
        var points = new List<DataPoint>(array.GetArrayLength());
        int i = 0;
        foreach (JsonElement item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Array || item.GetArrayLength() != 3 || item.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.Number))
                throw new SettingsException($"points[{i}] must be [x1, x2, label], three numbers");
            points.Add(new DataPoint(item[0].GetDouble(), item[1].GetDouble(), item[2].GetDouble()));
            i++;
        }
        return points;
    }

    private static bool TryNumber(string text, out double value) =>
        double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
}
