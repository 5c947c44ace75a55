using System.Globalization;
using System.Text;
using Backprop.Diagnostics;
using Backprop.IO;
using Backprop.Plots;

namespace Backprop.Cli.Training;

/// <summary>
/// The gradient-flow reports of a training run (<c>backprop train --gradflow N</c>): statistics
/// recorded every N steps, written as <c>gradflow.csv</c> and three pictures.
/// </summary>
public static class GradFlowReport
{
    /// <summary>
    /// Writes <c>gradflow.csv</c> (one row per recorded step and layer), <c>gradflow-bars.png</c>
    /// and <c>gradflow-histograms.png</c> (the last recorded step), and
    /// <c>gradflow-updates.png</c> (update-to-weight ratios over the run).
    /// </summary>
    /// <param name="recorder">The recorder attached for the run.</param>
    /// <param name="folder">The output folder.</param>
    /// <returns>The files written and the verdict on the last recorded step.</returns>
    public static (IReadOnlyList<string> Files, string Verdict) Write(GradientFlowRecorder recorder, string folder)
    {
        if (recorder.Steps.Count == 0) return ([], "no step was recorded (fewer steps than --gradflow)");
        var files = new List<string>();
        var csv = new StringBuilder("step,layer,in,out,mean_abs_grad,max_abs_grad,mean_abs_weight,grad_to_weight,update_ratio_log10,saturated_share,dead_share\n");
        foreach (GradientFlowStep step in recorder.Steps)
        {
            foreach (GradientFlowLayer l in step.Layers)
            {
                csv.Append(string.Create(CultureInfo.InvariantCulture,
                    $"{step.Step},{l.Name},{l.InFeatures},{l.OutFeatures},{l.MeanAbsGrad:R},{l.MaxAbsGrad:R},{l.MeanAbsWeight:R},{l.GradToWeightRatio:R},{Format(l.UpdateRatioLog10)},{Format(l.SaturatedShare)},{Format(l.DeadShare)}\n"));
            }
        }
        string csvPath = Path.Combine(folder, "gradflow.csv");
        AtomicFile.WriteAllText(csvPath, csv.ToString());
        files.Add(csvPath);

        GradientFlowStep last = recorder.Steps[^1];
        string bars = Path.Combine(folder, "gradflow-bars.png");
        GradientFlowPlots.SaveGradientBars(bars, last.Layers, $"Gradient flow at step {last.Step}: |grad| of each layer's weight");
        files.Add(bars);
        string histograms = Path.Combine(folder, "gradflow-histograms.png");
        GradientFlowPlots.SaveGradientHistograms(histograms, recorder.LayerNames, recorder.LatestGradientMagnitudes);
        files.Add(histograms);
        if (recorder.Steps.Any(s => s.Layers.Any(l => l.UpdateRatioLog10 is not null)))
        {
            string updates = Path.Combine(folder, "gradflow-updates.png");
            GradientFlowPlots.SaveUpdateRatios(updates, recorder.Steps);
            files.Add(updates);
        }
        return (files, recorder.Diagnose().ToString());
    }

    private static string Format(double? value) => value is double v ? v.ToString("R", CultureInfo.InvariantCulture) : "";
}
