using System.Globalization;
using System.Text.Json;

namespace Backprop.Playground.Lab;

/// <summary>
/// Reads the fields of a lab request body with one-line errors that name the field: a value of
/// the wrong kind, out of range or not among the choices, and any key the request does not know
/// (a misspelt key would otherwise be ignored silently).
/// </summary>
public sealed class LabFields
{
    private readonly JsonElement _body;

    /// <summary>Checks that <paramref name="body"/> is an object (or absent) with no key outside <paramref name="known"/>.</summary>
    /// <param name="body">The request body; <see cref="JsonValueKind.Undefined"/> when there was none.</param>
    /// <param name="known">The keys the request accepts.</param>
    /// <exception cref="LabRequestException">Not an object, or an unknown key.</exception>
    public LabFields(JsonElement body, params string[] known)
    {
        ArgumentNullException.ThrowIfNull(known);
        if (body.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null) return;
        if (body.ValueKind != JsonValueKind.Object) throw new LabRequestException($"the body must be a JSON object, got {Kind(body)}");
        foreach (JsonProperty property in body.EnumerateObject())
        {
            if (!known.Contains(property.Name, StringComparer.Ordinal))
                throw new LabRequestException($"unknown key '{Shown(property.Name)}' (expected {string.Join(", ", known)})");
        }
        _body = body;
    }

    /// <summary>Whether the body has <paramref name="name"/> with a value other than null.</summary>
    /// <param name="name">The key.</param>
    public bool Has(string name) => TryGet(name, out _);

    /// <summary>An integer in [<paramref name="min"/>, <paramref name="max"/>], or <paramref name="fallback"/> when absent.</summary>
    /// <param name="name">The key.</param>
    /// <param name="min">The smallest value allowed.</param>
    /// <param name="max">The largest value allowed.</param>
    /// <param name="fallback">The value when the key is absent.</param>
    /// <exception cref="LabRequestException">Not an integer, or out of range.</exception>
    public long Integer(string name, long min, long max, long fallback)
    {
        if (!TryGet(name, out JsonElement value)) return fallback;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out double number) || number != Math.Floor(number))
            throw new LabRequestException($"{name} must be an integer, got {Shown(value)}");
        if (number < min || number > max) throw new LabRequestException($"{name} must be in [{min}, {max}], got {Shown(value)}");
        return (long)number;
    }

    /// <summary>A finite number in [<paramref name="min"/>, <paramref name="max"/>], or <paramref name="fallback"/> when absent.</summary>
    /// <param name="name">The key.</param>
    /// <param name="min">The smallest value allowed.</param>
    /// <param name="max">The largest value allowed.</param>
    /// <param name="fallback">The value when the key is absent.</param>
    /// <exception cref="LabRequestException">Not a number, or out of range.</exception>
    public double Number(string name, double min, double max, double fallback)
    {
        if (!TryGet(name, out JsonElement value)) return fallback;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out double number) || !double.IsFinite(number))
            throw new LabRequestException($"{name} must be a number, got {Shown(value)}");
        if (number < min || number > max)
            throw new LabRequestException(string.Create(CultureInfo.InvariantCulture, $"{name} must be in [{min:G}, {max:G}], got {Shown(value)}"));
        return number;
    }

    /// <summary>One of <paramref name="choices"/> (exact spelling), or <paramref name="fallback"/> when absent.</summary>
    /// <param name="name">The key.</param>
    /// <param name="choices">The values allowed.</param>
    /// <param name="fallback">The value when the key is absent.</param>
    /// <exception cref="LabRequestException">Not a string, or not among the choices.</exception>
    public string Choice(string name, IReadOnlyList<string> choices, string fallback)
    {
        ArgumentNullException.ThrowIfNull(choices);
        if (!TryGet(name, out JsonElement value)) return fallback;
        string? text = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        if (text is null || !choices.Contains(text, StringComparer.Ordinal))
            throw new LabRequestException($"{name} must be one of {string.Join(", ", choices)}, got {Shown(value)}");
        return text;
    }

    /// <summary>A string of at most <paramref name="maxLength"/> characters, or null when absent.</summary>
    /// <param name="name">The key.</param>
    /// <param name="maxLength">The longest string allowed.</param>
    /// <exception cref="LabRequestException">Not a string, or too long.</exception>
    public string? Text(string name, int maxLength)
    {
        if (!TryGet(name, out JsonElement value)) return null;
        if (value.ValueKind != JsonValueKind.String) throw new LabRequestException($"{name} must be a string, got {Shown(value)}");
        string text = value.GetString()!;
        if (text.Length > maxLength) throw new LabRequestException($"{name} must be at most {maxLength} characters, got {text.Length}");
        return text;
    }

    /// <summary>The raw value of <paramref name="name"/>, when present and not null.</summary>
    /// <param name="name">The key.</param>
    /// <param name="value">The value.</param>
    public bool TryGet(string name, out JsonElement value)
    {
        value = default;
        return _body.ValueKind == JsonValueKind.Object && _body.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;
    }

    /// <summary>A value as an error line shows it: its JSON text, cut short.</summary>
    /// <param name="value">The value.</param>
    public static string Shown(JsonElement value) => Shown(value.GetRawText());

    /// <summary>Text from the client as an error line shows it: at most 40 characters, no control characters.</summary>
    /// <param name="text">The text.</param>
    public static string Shown(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string clean = new([.. text.Select(c => char.IsControl(c) ? '?' : c)]);
        return clean.Length <= 40 ? clean : clean[..40] + "…";
    }

    private static string Kind(JsonElement value) => value.ValueKind.ToString().ToLowerInvariant();
}
