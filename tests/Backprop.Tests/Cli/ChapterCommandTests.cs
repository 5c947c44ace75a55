using System.Text.Json;
using Backprop.Cli.Commands;
using Backprop.Tests.Support;

namespace Backprop.Tests.Cli;

/// <summary><c>backprop chapter</c> end to end, through the same entry point as the executable.</summary>
public sealed class ChapterCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"backprop-chapter-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private static (int Code, string Out, string Err) Run(params string[] args) => Support.Cli.Run(args);

    [ReferenceFact]
    public void PrintsTheChaptersLinesInOrderAndWritesBothFigures()
    {
        (int code, string output, string error) = Run("chapter", "--out", _dir);
        Assert.True(code == 0, error);
        string[] lines = output.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        int at = -1;
        foreach (JsonElement line in Reference.Chapter.GetProperty("printed_lines").EnumerateArray())
        {
            int found = Array.IndexOf(lines, line.GetString(), at + 1);
            Assert.True(found > at, $"missing or out of order: '{line.GetString()}'");
            at = found;
        }
        Assert.Contains("Vanishing gradients", output); // the summary table
        Assert.True(new FileInfo(Path.Combine(_dir, "gradients.png")).Length > 1000);
        Assert.True(new FileInfo(Path.Combine(_dir, "vanishing.png")).Length > 1000);
        Assert.False(File.Exists(Path.Combine(_dir, "chapter.json")));
    }

    [ReferenceFact]
    public void JsonHoldsEveryValueAtFullPrecision()
    {
        (int code, _, string error) = Run("chapter", "--out", _dir, "--json");
        Assert.True(code == 0, error);
        using JsonDocument written = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "chapter.json")));
        JsonElement root = written.RootElement;
        JsonElement reference = Reference.Chapter;
        Assert.Equal(Reference.Doubles(reference.GetProperty("vanishing").GetProperty("grad_norms")),
            Reference.Doubles(root.GetProperty("vanishing").GetProperty("grad_norms")));
        Assert.Equal(Reference.Double(reference.GetProperty("gradient_flow").GetProperty("mean_layer2")),
            Reference.Double(root.GetProperty("gradient_flow").GetProperty("mean_layer2")));
        Assert.Equal(100, root.GetProperty("gradient_flow").GetProperty("layer1").GetArrayLength());
        Assert.Equal(100, root.GetProperty("gradient_flow").GetProperty("layer2").GetArrayLength());
        Assert.Equal(Reference.Double(reference.GetProperty("single_neuron").GetProperty("w_grad")),
            Reference.Double(root.GetProperty("single_neuron").GetProperty("w_grad")));
        Assert.Equal(reference.GetProperty("printed_lines").GetArrayLength(), root.GetProperty("printed_lines").GetArrayLength());
    }

    [Fact]
    public void AnUnwritableOutputFolderFailsWithOneLine()
    {
        string file = Path.Combine(Path.GetTempPath(), $"backprop-not-a-dir-{Guid.NewGuid():N}");
        File.WriteAllText(file, "");
        try
        {
            (int code, string output, string error) = Run("chapter", "--out", Path.Combine(file, "sub"));
            Assert.Equal(CommandLine.Failed, code);
            Assert.Single(error.TrimEnd().Split('\n'));
            Assert.Contains("cannot write to output folder", error);
            Assert.Empty(output);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void AnUnknownOptionFailsWithOneLine()
    {
        (int code, _, string error) = Run("chapter", "--bogus");
        Assert.Equal(CommandLine.Usage, code);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Contains("--bogus", error);
    }

    [Fact]
    public void AnUnknownCommandFailsWithOneLine()
    {
        (int code, _, string error) = Run("nonsense");
        Assert.Equal(CommandLine.Usage, code);
        Assert.Single(error.TrimEnd().Split('\n'));
    }
}
