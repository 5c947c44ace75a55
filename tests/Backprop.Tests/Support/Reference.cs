using System.Globalization;
using System.Text.Json;

namespace Backprop.Tests.Support;

/// <summary>
/// The project's read-only fixtures in <c>../shared/reference</c> beside the repository root.
/// Tests that need them use <see cref="ReferenceFactAttribute"/>, which skips with a clear
/// message where the folder is absent.
/// </summary>
public static class Reference
{
    /// <summary>The repository root: the nearest folder above the test binaries holding Backprop.slnx.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>The reference folder, whether or not it exists.</summary>
    public static string Folder => Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "reference"));

    /// <summary>Whether the reference folder is there.</summary>
    public static bool Available => File.Exists(Path.Combine(Folder, "chapter.json"));

    /// <summary>Why reference tests are skipped.</summary>
    public static string SkipReason => $"reference fixtures not found: {Folder} is absent (it lives in ../shared/reference beside the repository)";

    /// <summary>The parsed chapter.json.</summary>
    public static JsonElement Chapter => _chapter.Value.RootElement;

    private static readonly Lazy<JsonDocument> _chapter = new(() => JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "chapter.json"))));

    /// <summary>A number array of chapter.json, read back exactly (the file holds shortest round-trip decimals).</summary>
    public static double[] Doubles(JsonElement array) =>
        array.EnumerateArray().Select(e => double.Parse(e.GetRawText(), CultureInfo.InvariantCulture)).ToArray();

    /// <summary>A number of chapter.json, read back exactly.</summary>
    public static double Double(JsonElement number) => double.Parse(number.GetRawText(), CultureInfo.InvariantCulture);

    private static string FindRepositoryRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Backprop.slnx"))) return dir.FullName;
        }
        throw new InvalidOperationException($"Backprop.slnx not found above {AppContext.BaseDirectory}");
    }
}

/// <summary>A fact that needs <see cref="Reference"/>: skipped, with the reason, where the fixtures are absent.</summary>
public sealed class ReferenceFactAttribute : FactAttribute
{
    /// <summary>Marks the test as skipped when the reference folder is missing.</summary>
    public ReferenceFactAttribute()
    {
        if (!Reference.Available) Skip = Reference.SkipReason;
    }
}
