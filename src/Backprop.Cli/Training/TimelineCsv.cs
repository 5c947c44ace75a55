using System.Globalization;
using System.Text;
using Backprop.Distributed;
using Backprop.IO;

namespace Backprop.Cli.Training;

/// <summary>
/// <c>timeline.csv</c> of a <c>--distributed</c> run: for every step and bucket, when its last
/// gradient was ready and when its all-reduce started and finished, in milliseconds from the
/// start of the backward pass, beside when the backward pass ended and when Backward returned.
/// </summary>
public static class TimelineCsv
{
    /// <summary>Writes the rows, atomically.</summary>
    /// <param name="path">The file.</param>
    /// <param name="steps">Each synchronised step's timeline.</param>
    public static void Write(string path, IReadOnlyList<StepTiming> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var text = new StringBuilder("step,bucket,bytes,ready_ms,start_ms,finish_ms,backward_ms,synced_ms\n");
        for (int s = 0; s < steps.Count; s++)
        {
            foreach (BucketTiming b in steps[s].Buckets)
            {
                text.Append(string.Create(CultureInfo.InvariantCulture,
                    $"{s + 1},{b.Bucket},{b.Bytes},{b.ReadyMs:F4},{b.StartMs:F4},{b.FinishMs:F4},{steps[s].BackwardMs:F4},{steps[s].SyncedMs:F4}\n"));
            }
        }
        AtomicFile.WriteAllText(path, text.ToString());
    }

    /// <summary>
    /// One line: buckets, all-reduce time per step and the share of it hidden behind the backward
    /// pass (medians over the steps after the first, which warms up).
    /// </summary>
    /// <param name="ddp">The wrapper whose timeline to sum up.</param>
    /// <param name="batchSize">Examples per rank per step, for the line.</param>
    public static string Summary(DistributedDataParallel ddp, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(ddp);
        IReadOnlyList<StepTiming> steps = ddp.Timeline.Count > 1 ? [.. ddp.Timeline.Skip(1)] : ddp.Timeline;
        if (steps.Count == 0) return "all-reduce: no synchronised step";
        double backward = Median(steps.Select(s => s.BackwardMs)), communication = Median(steps.Select(s => s.CommunicationMs));
        double hidden = Median(steps.Select(s => s.HiddenMs)), exposed = Median(steps.Select(s => s.ExposedMs));
        return string.Create(CultureInfo.InvariantCulture,
            $"all-reduce: {ddp.Buckets.Count} buckets of up to {ddp.BucketBytes / 1048576.0:0.###} MiB, batch {batchSize} per rank; per step (median of {steps.Count}): backward {backward:F2} ms, all-reduce {communication:F2} ms of which {hidden:F2} ms ({(communication > 0 ? hidden / communication * 100 : 0):F0}%) hidden behind backward, {exposed:F2} ms exposed");
    }

    private static double Median(IEnumerable<double> values)
    {
        double[] sorted = [.. values.Order()];
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
