using System.Reflection;
using System.Text.RegularExpressions;
using Backprop.Cli.Bench;
using Backprop.Tests.Support;

namespace Backprop.Tests.Cli;

/// <summary>
/// <c>bench/peers/compare-tensor.sh</c> reads the benchmarks' JSON by name, in Python: a figure
/// renamed on the C# side would turn its verdict row into "n/a" without an error. Every name the
/// script asks for must be one that <c>bench tensor</c>, <c>bench scalar</c>, <c>bench mnist</c>
/// and the PyTorch peers write.
/// </summary>
public partial class CompareTensorScriptTests
{
    private static string Read(params string[] path) => File.ReadAllText(Path.Combine([Reference.RepositoryRoot, .. path]));

    [Fact]
    public void EveryFigureTheVerdictTableReadsIsOneTheBenchmarksWrite()
    {
        string script = Read("bench", "peers", "compare-tensor.sh");
        string tensor = Read("src", "Backprop.Cli", "Bench", "TensorBenchmark.cs");
        string torchTensor = Read("bench", "peers", "torch_tensor.py");
        string torchMnist = Read("bench", "peers", "torch_mnist.py");

        // Workload names (prefixes) of bench tensor's figures: figure(file, "prefix"), prefix = "…",
        // startswith("…"), and the two optimizers of the MLP rows.
        string[] prefixes = [.. FigurePrefix().Matches(script).Select(m => m.Groups[1].Value)];
        Assert.True(prefixes.Length >= 4, $"the script's figure names were not found ({prefixes.Length})");
        foreach (string prefix in prefixes) Assert.Contains(prefix, tensor);
        Assert.Contains("for kind in (\"Adam\", \"Sgd optimizer\")", script);
        Assert.Contains("(nn modules + {name})", torchTensor);
        foreach (string kind in new[] { "Adam", "Sgd optimizer" })
        {
            Assert.Contains($"MLP 784-256-128-10 step, batch 128 (nn modules + {kind})", tensor);
            Assert.Contains($"(\"{kind}\", lambda", torchTensor);
        }

        // Keys of the JSON objects: TensorFigure's, ScalarFigures', MnistFigures' (and the PyTorch MNIST peer's).
        string[] keys = [.. JsonKey().Matches(script).Select(m => m.Groups[1].Value).Distinct()];
        Assert.Contains("ChainMilliseconds", keys);
        Assert.Contains("TrainingSeconds", keys);
        HashSet<string> written = [.. new[] { typeof(TensorFigure), typeof(ScalarFigures), typeof(MnistFigures) }
            .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance)).Select(p => p.Name)];
        foreach (string key in keys)
        {
            Assert.True(written.Contains(key), $"compare-tensor.sh reads \"{key}\", which no benchmark figure has");
            if (typeof(MnistFigures).GetProperty(key) is not null)
                Assert.Contains($"\"{key}\"", torchMnist);
        }
    }

    /// <summary>A workload name the script looks for: figure(…, "name"), prefix = "name" or f["Workload"].startswith("name").</summary>
    [GeneratedRegex("""(?:figure\([^,]+,\s*|prefix = |\["Workload"\]\.startswith\()"([^"{]+)"\)?""")]
    private static partial Regex FigurePrefix();

    /// <summary>A key the script reads from a JSON object: x["Key"] or median("Key").</summary>
    [GeneratedRegex("""(?:\[|median\()"([A-Z]\w+)"[\])]""")]
    private static partial Regex JsonKey();
}
