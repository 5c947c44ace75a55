using System.Text.Json;
using Backprop.Playground.Runs;

namespace Backprop.Playground.Lab;

/// <summary>An optimizer race, validated: one run's settings and 2–4 optimizers to race on them.</summary>
/// <param name="Settings">The settings every racer shares (its optimizer aside): same seed, so same data and same initial weights.</param>
/// <param name="Optimizers">2–4 distinct optimizers, one racer each.</param>
public sealed record RaceSetup(RunSettings Settings, IReadOnlyList<string> Optimizers)
{
    /// <summary>The optimizers a race can field.</summary>
    public static IReadOnlyList<string> Choices { get; } = ["sgd", "momentum", "adam", "rmsprop"];

    /// <summary>Reads <c>{settings, optimizers}</c>; settings are checked as a run's are.</summary>
    /// <param name="body">The JSON body.</param>
    /// <exception cref="LabRequestException">A bad optimizer list or an unknown key.</exception>
    /// <exception cref="SettingsException">A bad setting.</exception>
    public static RaceSetup Parse(JsonElement body)
    {
        var fields = new LabFields(body, "settings", "optimizers");
        RunSettings settings = fields.TryGet("settings", out JsonElement s) ? new RunSettings().Apply(s) : new RunSettings();
        if (settings.Dataset == "custom") throw new LabRequestException("settings: a race needs a generated data set, not custom");
        if (!fields.TryGet("optimizers", out JsonElement list) || list.ValueKind != JsonValueKind.Array)
            throw new LabRequestException($"optimizers must be a list of 2 to 4 of {string.Join(", ", Choices)}");
        var optimizers = new List<string>();
        foreach (JsonElement item in list.EnumerateArray())
        {
            string? name = item.ValueKind == JsonValueKind.String ? item.GetString() : null;
            if (name is null || !Choices.Contains(name)) throw new LabRequestException($"optimizers: each must be one of {string.Join(", ", Choices)}, got {LabFields.Shown(item)}");
            if (optimizers.Contains(name)) throw new LabRequestException($"optimizers: '{name}' is listed twice");
            optimizers.Add(name);
            if (optimizers.Count > 4) break;
        }
        if (optimizers.Count is < 2 or > 4) throw new LabRequestException($"optimizers must list 2 to 4 optimizers, got {list.GetArrayLength()}");
        return new RaceSetup(settings, optimizers);
    }
}
