using System.CommandLine;
using System.Globalization;
using Backprop.Cli.GradFlow;
using Backprop.Diagnostics;
using Backprop.NN;
using Backprop.Plots;
using Spectre.Console;

namespace Backprop.Cli.Commands;

/// <summary>
/// <c>backprop gradflow</c>: builds a deep MLP, runs one forward and backward pass on a random batch, prints the
/// gradient statistics of every layer, says whether gradients vanish or explode, and draws them on a log scale;
/// with <c>--compare</c>, overlays several activation/initialisation pairs to show the remedy.
/// </summary>
public static class GradFlowCommand
{
    /// <summary>The most layers, width and batch the command accepts (a guard against a typo that would exhaust memory).</summary>
    public const int MaxDepth = 1000, MaxWidth = 4096, MaxBatch = 65536;

    /// <summary>The configurations <c>--compare</c> overlays: the chapter's problem and two remedies.</summary>
    public static readonly IReadOnlyList<(ActivationKind Activation, GradFlowInit Init)> Comparison =
    [
        (ActivationKind.Sigmoid, GradFlowInit.Default),
        (ActivationKind.Tanh, GradFlowInit.Xavier),
        (ActivationKind.Relu, GradFlowInit.Kaiming),
    ];

    /// <summary>Builds the command.</summary>
    /// <param name="console">Where the table and the verdict go.</param>
    public static Command Create(IAnsiConsole console)
    {
        var depth = NumberOptions.Int("--depth", "Number of Linear layers", 12, 2, MaxDepth);
        var width = NumberOptions.Int("--width", "Input and hidden width", 32, 1, MaxWidth);
        var activation = new Option<string>("--activation") { Description = "sigmoid, tanh, relu or gelu", DefaultValueFactory = _ => "sigmoid" };
        OneOf(activation, "sigmoid", "tanh", "relu", "gelu");
        var init = new Option<string>("--init") { Description = "default (PyTorch's), xavier or kaiming", DefaultValueFactory = _ => "default" };
        OneOf(init, "default", "xavier", "kaiming");
        var batch = NumberOptions.Int("--batch", "Examples in the random batch", 64, 1, MaxBatch);
        var seed = NumberOptions.Seed("--seed", "Seed of the batch, labels and weights", 1);
        Option<bool> noMemoryCheck = MemoryCheck.CreateOption();
        var output = new Option<string>("--out") { Description = "Output folder for the PNGs", DefaultValueFactory = _ => Path.Combine("out", "gradflow"), HelpName = "DIR" };
        var compare = new Option<bool>("--compare") { Description = "Also overlay sigmoid+default, tanh+xavier and relu+kaiming on one plot" };

        var command = new Command("gradflow", "Show how gradients flow through a deep MLP: per-layer |grad|, saturation, dead units, and a verdict")
        {
            depth, width, activation, init, batch, seed, output, compare, noMemoryCheck,
        };
        command.SetAction(parsed => Run(
            console,
            parsed.GetValue(depth),
            parsed.GetValue(width),
            Activation.Parse(parsed.GetValue(activation)!),
            GradFlowInits.Parse(parsed.GetValue(init)!),
            parsed.GetValue(batch),
            parsed.GetValue(seed) ?? 1,
            parsed.GetValue(output)!,
            parsed.GetValue(compare),
            !parsed.GetValue(noMemoryCheck)));
        return command;
    }

    /// <summary>Measures, prints and draws; see the command's description.</summary>
    /// <returns>0.</returns>
    /// <exception cref="ArgumentException">A size is out of range; the message names the option.</exception>
    /// <exception cref="CommandFailedException">The output folder cannot be written.</exception>
    public static int Run(IAnsiConsole console, int depth, int width, ActivationKind activation, GradFlowInit init, int batch, uint seed, string outDir, bool compare,
        bool checkMemory = true)
    {
        CheckRange("--depth", depth, 2, MaxDepth);
        CheckRange("--width", width, 1, MaxWidth);
        CheckRange("--batch", batch, 1, MaxBatch);
        MemoryCheck.Require(EstimateBytes(depth, width, batch), $"measuring {depth} layers of width {width} with a batch of {batch}", !checkMemory);
        OutputFolder.Prepare(outDir);

        GradFlowRun run = GradFlowRun.Measure(depth, width, activation, init, batch, seed);
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"MLP {width} -> {depth - 1} x {width} -> {GradFlowRun.Classes}, {run.Label}, batch {batch}, seed {seed}: cross-entropy loss {run.Loss:F4}"));
        console.Write(LayerTable(run));
        console.WriteLine(run.Verdict.Message);

        string bars = Path.Combine(outDir, "gradflow.png");
        GradientFlowPlots.SaveGradientBars(bars, run.Step.Layers, $"Gradient flow: {depth} layers, {run.Label}");
        console.WriteLine($"wrote {bars}");
        string histograms = Path.Combine(outDir, "gradflow-histograms.png");
        GradientFlowPlots.SaveGradientHistograms(histograms, [.. run.Step.Layers.Select(l => l.Name)], run.Magnitudes);
        console.WriteLine($"wrote {histograms}");

        if (compare)
        {
            var configurations = Comparison.ToList();
            if (!configurations.Contains((activation, init))) configurations.Add((activation, init));
            GradFlowRun[] runs = [.. configurations.Select(c => c == (activation, init) ? run : GradFlowRun.Measure(depth, width, c.Activation, c.Init, batch, seed))];
            console.Write(ComparisonTable(runs));
            string overlay = Path.Combine(outDir, "gradflow-compare.png");
            GradientFlowPlots.SaveComparison(
                overlay,
                [.. runs.Select(r => (r.Label, (IReadOnlyList<double>)[.. r.Step.Layers.Select(l => l.MeanAbsGrad)]))],
                $"Mean |grad| per layer: {depth} layers, width {width}",
                [.. run.Step.Layers.Select(l => l.Name)]);
            console.WriteLine($"wrote {overlay}");
        }
        return 0;
    }

    /// <summary>
    /// Accepts only <paramref name="choices"/>, with a one-line error (System.CommandLine's own
    /// <c>AcceptOnlyFromAmong</c> lists the choices on separate lines).
    /// </summary>
    private static void OneOf(Option<string> option, params string[] choices)
    {
        option.Validators.Add(result =>
        {
            string? value = result.GetValueOrDefault<string>();
            if (value is null || !choices.Contains(value, StringComparer.OrdinalIgnoreCase))
                result.AddError($"{option.Name} must be {string.Join(", ", choices[..^1])} or {choices[^1]}, got '{value}'");
        });
    }

    /// <summary>
    /// Bytes a measurement needs: each layer's weight, its gradient and the recorder's copies
    /// (float32, four of each), plus each layer's activations and their gradients for the batch.
    /// </summary>
    /// <param name="depth">Linear layers.</param>
    /// <param name="width">Their width.</param>
    /// <param name="batch">Examples.</param>
    public static double EstimateBytes(int depth, int width, int batch) =>
        (double)depth * width * width * 4 * 4 + (double)depth * batch * width * 4 * 6;

    private static void CheckRange(string option, int value, int min, int max)
    {
        if (value < min || value > max)
            throw new UsageException($"{option} must be from {min} to {max}, got {value}");
    }

    private static Table LayerTable(GradFlowRun run)
    {
        var table = new Table()
            .AddColumn("layer").AddColumn("shape").AddColumn("activation")
            .AddColumn(new TableColumn("mean |grad|").RightAligned())
            .AddColumn(new TableColumn("max |grad|").RightAligned())
            .AddColumn(new TableColumn("grad/weight").RightAligned())
            .AddColumn(new TableColumn("saturated / dead").RightAligned());
        foreach (GradientFlowLayer layer in run.Step.Layers)
        {
            table.AddRow(
                Markup.Escape(layer.Name),
                Markup.Escape($"{layer.InFeatures}->{layer.OutFeatures}"),
                Markup.Escape(layer.Activation?.ToString().ToLowerInvariant() ?? "-"),
                E(layer.MeanAbsGrad),
                E(layer.MaxAbsGrad),
                E(layer.GradToWeightRatio),
                Markup.Escape(ActivationShare(layer)));
        }
        return table;
    }

    private static Table ComparisonTable(IReadOnlyList<GradFlowRun> runs)
    {
        var table = new Table()
            .AddColumn("configuration")
            .AddColumn(new TableColumn("first layer mean |grad|").RightAligned())
            .AddColumn(new TableColumn("last layer mean |grad|").RightAligned())
            .AddColumn(new TableColumn("first / last").RightAligned())
            .AddColumn("verdict");
        foreach (GradFlowRun run in runs)
        {
            table.AddRow(
                Markup.Escape(run.Label),
                E(run.Verdict.FirstLayerMeanAbsGrad),
                E(run.Verdict.LastLayerMeanAbsGrad),
                E(run.Verdict.FirstToLastRatio),
                run.Verdict.Kind.ToString().ToLowerInvariant());
        }
        return table;
    }

    /// <summary>"saturated 41.2%", "dead 3.1%", or "-".</summary>
    private static string ActivationShare(GradientFlowLayer layer) =>
        layer.SaturatedShare is double s ? string.Create(CultureInfo.InvariantCulture, $"saturated {100 * s:F1}%")
        : layer.DeadShare is double d ? string.Create(CultureInfo.InvariantCulture, $"dead {100 * d:F1}%")
        : "-";

    private static string E(double value) => value.ToString("0.000e+00", CultureInfo.InvariantCulture);
}
