using System.Text.RegularExpressions;
using Backprop.OnnxTests.Support;

namespace Backprop.OnnxTests;

/// <summary>docs/onnx.md's commands, as written there: train, then export, printing the line the document shows.</summary>
public sealed partial class DocsCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("backprop-onnx-docs-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void TheDocumentsTrainAndExportCommandsPrintWhatItShows()
    {
        string doc = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "onnx.md"));
        Match block = Commands().Match(doc);
        Assert.True(block.Success, "docs/onnx.md has no train/export/# wrote block");
        string folder = block.Groups["folder"].Value;
        string Local(string command) => command.Replace(folder, Path.Combine(_dir, "m"), StringComparison.Ordinal);

        (int code, string output, string error) = CliRun.Run(Local(block.Groups["train"].Value).Split(' '));
        Assert.True(code == 0, error + output);
        (code, output, error) = CliRun.Run(Local(block.Groups["export"].Value).Split(' '));
        Assert.True(code == 0, error);
        // The shown line, with the folder made local and what it elides (size, time) numbers.
        string shown = Regex.Escape(Local(block.Groups["wrote"].Value)).Replace("…", "[0-9,]+", StringComparison.Ordinal);
        Assert.Matches($"^{shown}$", output.Trim());
    }

    [Fact]
    public void TheReadmesExportCommandRunsAsWritten()
    {
        string readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
        Match line = ReadmeExport().Match(readme);
        Assert.True(line.Success, "README.md has no `-- export --model FILE --onnx FILE` command");
        // The model the README's train command saves there: an MLP for the 784 pixels of a digit.
        string model = Path.Combine(_dir, "model.safetensors"), onnx = Path.Combine(_dir, "model.onnx");
        IO.ModelFile.Save(model, new NN.Mlp([784, 16, 10], NN.ActivationKind.Relu, new Random.NumpyRandom(1)), new Dictionary<string, string> { ["data"] = "mnist" });
        string[] args = line.Groups[1].Value.Replace(line.Groups[2].Value, model, StringComparison.Ordinal).Replace(line.Groups[3].Value, onnx, StringComparison.Ordinal).Split(' ');
        (int code, _, string error) = CliRun.Run(args);
        Assert.True(code == 0, error);
        Assert.Equal([2L, 10], OrtRun.Run(File.ReadAllBytes(onnx), Tensor.Zeros(2, 784)).Shape);
    }

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Backprop.slnx"))) return dir.FullName;
        }
        throw new InvalidOperationException("the repository root (Backprop.slnx) is not above the test's folder");
    }

    [GeneratedRegex(@"-- (export --model (\S+) --onnx (\S+))\n")]
    private static partial Regex ReadmeExport();

    [GeneratedRegex(@"-- (?<train>train --data mnist [^\n]*--out (?<folder>\S+))\n[^\n]*-- (?<export>export [^\n]+)\n# (?<wrote>wrote [^\n]+)")]
    private static partial Regex Commands();
}
