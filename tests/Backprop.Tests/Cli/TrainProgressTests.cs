using System.Globalization;
using System.Text.RegularExpressions;
using Backprop.Cli.Training;
using Backprop.NN;
using Backprop.Plots;
using Spectre.Console;

namespace Backprop.Tests.Cli;

/// <summary>The live progress bar of <c>backprop train</c> on a terminal, and the gradient-flow pictures' layer colours.</summary>
public sealed partial class TrainProgressTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("backprop-progress-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void TheBarShowsTimeRemainingAndItsLastFrameTheLastEpochsAccuracy()
    {
        var output = new StringWriter();
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.Yes,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.Yes,
        });
        console.Profile.Width = 200;
        string folder = Path.Combine(_dir, "live");
        var options = new TrainOptions("circles", "tensor", [8], ActivationKind.Relu, "adam", 0.05, 3, 50, 1, folder, 0.25, 0);
        Assert.Equal(0, Backprop.Cli.Commands.TrainCommand.Run(console, options));
        Assert.Contains(LiveTrainingProgress.Columns(), c => c is RemainingTimeColumn);
        string last = File.ReadAllLines(Path.Combine(folder, "metrics.csv"))[^1].Split(',')[4];
        string expected = (double.Parse(last, CultureInfo.InvariantCulture) * 100).ToString("F2", CultureInfo.InvariantCulture) + "%";
        string lastShown = AccuracyShown().Matches(output.ToString())[^1].Groups[1].Value;
        Assert.Equal(expected, lastShown);
    }

    [Fact]
    public void TwelveLayersGetTwelveColours()
    {
        var colours = Enumerable.Range(0, 12).Select(i => GradientFlowPlots.LayerColor(i, 12)).ToList();
        Assert.Equal(12, colours.Distinct().Count());
        Assert.Equal(PlotStyle.Cycle[3], GradientFlowPlots.LayerColor(3, 10)); // ten or fewer keep the house cycle
    }

    [GeneratedRegex(@"epoch 3/3\s+loss \S+\s+test accuracy (\S+%)")]
    private static partial Regex AccuracyShown();
}
