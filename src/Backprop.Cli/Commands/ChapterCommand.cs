using System.CommandLine;
using Backprop.Cli.Chapter;
using Backprop.Plots;
using Spectre.Console;

namespace Backprop.Cli.Commands;

/// <summary>
/// <c>backprop chapter [--out DIR] [--json]</c>: the chapter run end to end with the engine,
/// printing the chapter's lines and writing its two figures.
/// </summary>
public static class ChapterCommand
{
    /// <summary>Where the figures go when <c>--out</c> is not given, relative to the current folder.</summary>
    public static readonly string DefaultOut = Path.Combine("out", "chapter");

    /// <summary>Builds the command, writing to <paramref name="console"/>.</summary>
    /// <param name="console">Where the chapter is printed.</param>
    public static Command Create(IAnsiConsole console)
    {
        var outOption = new Option<string>("--out")
        {
            Description = "Folder for gradients.png, vanishing.png (and chapter.json)",
            DefaultValueFactory = _ => DefaultOut,
            HelpName = "DIR",
        };
        var jsonOption = new Option<bool>("--json") { Description = "Also write chapter.json with every computed value at full precision" };
        var command = new Command("chapter", "Run the chapter end to end: a neuron traced forward and backward, gradient magnitudes, vanishing gradients")
        {
            outOption,
            jsonOption,
        };
        command.SetAction(parsed => Run(console, parsed.GetValue(outOption)!, parsed.GetValue(jsonOption)));
        return command;
    }

    /// <summary>Runs the chapter: prints it to <paramref name="console"/> and writes its files into <paramref name="outDir"/>.</summary>
    /// <param name="console">Where the chapter is printed.</param>
    /// <param name="outDir">The folder for the figures (created if missing).</param>
    /// <param name="writeJson">Whether to write chapter.json too.</param>
    /// <returns>0, or 1 when the Value engine disagreed with the hand-derived gradients.</returns>
    public static int Run(IAnsiConsole console, string outDir, bool writeJson)
    {
        OutputFolder.Prepare(outDir);
        ChapterResults results = ChapterComputation.Run();
        var printed = new List<string>();

        Section(console, "A minimal scalar backprop engine");
        Print(console, printed, [ChapterText.EngineReady]);

        Section(console, "Forward and backward pass through a single neuron: relu(w*x + b)");
        Print(console, printed, ChapterText.SingleNeuron(results.Neuron));

        Section(console, "Gradient flow through layers: 100 random two-layer nets, seed 42");
        string gradientsPng = Path.Combine(outDir, "gradients.png");
        ChapterPlots.SaveGradientHistogram(gradientsPng, results.Flow.Layer2, results.Flow.Layer1);
        Print(console, printed, ChapterText.GradientFlow(results.Flow));
        console.WriteLine(results.Flow.ValueEngineAgrees
            ? "The Value engine's gradients equal the hand-derived ones in all 100 trials."
            : "MISMATCH: the Value engine's gradients differ from the hand-derived ones.");
        console.WriteLine($"Wrote {gradientsPng}");

        Section(console, "The vanishing gradient problem: 12 sigmoid layers");
        string vanishingPng = Path.Combine(outDir, "vanishing.png");
        ChapterPlots.SaveVanishing(vanishingPng, results.Vanishing.GradNorms);
        Print(console, printed, ChapterText.Vanishing(results.Vanishing));
        console.WriteLine($"Wrote {vanishingPng}");

        Section(console, "Summary");
        var table = new Table().AddColumn("Concept").AddColumn("Key Idea");
        foreach ((string concept, string idea) in ChapterText.Summary) table.AddRow(Markup.Escape(concept), Markup.Escape(idea));
        console.Write(table);

        if (writeJson)
        {
            string jsonPath = Path.Combine(outDir, "chapter.json");
            ChapterJson.Write(jsonPath, results, printed);
            console.WriteLine($"Wrote {jsonPath}");
        }
        return results.Flow.ValueEngineAgrees ? 0 : CommandLine.Failed;
    }

    private static void Section(IAnsiConsole console, string title)
    {
        console.WriteLine();
        console.WriteLine($"== {title} ==");
    }

    private static void Print(IAnsiConsole console, List<string> printed, string[] lines)
    {
        foreach (string line in lines)
        {
            console.WriteLine(line);
            printed.Add(line);
        }
    }
}
