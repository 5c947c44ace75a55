using System.Globalization;
using Backprop.Cli.Commands;

namespace Backprop.Cli.Training;

/// <summary>
/// The folder a training run writes into. Each run gets a fresh one unless <c>--out</c> names
/// one; a folder that already holds a model is only reused with <c>--force</c>, and then every
/// file an earlier run wrote is removed first, so no stale picture or metric sits beside the
/// new model.
/// </summary>
public static class RunFolder
{
    /// <summary>Every file <c>backprop train</c> writes (a rerun removes them all before it starts).</summary>
    public static readonly string[] Outputs =
    [
        "model.safetensors", "metrics.csv", "loss.png", "decision-boundary.png",
        "gradflow.csv", "gradflow-bars.png", "gradflow-histograms.png", "gradflow-updates.png", "timeline.csv",
    ];

    /// <summary>
    /// Chooses and prepares the folder: <paramref name="requested"/> if given, else
    /// <c>out/train/&lt;data&gt;-&lt;yyyyMMdd-HHmmss&gt;</c> (numbered when that exists).
    /// </summary>
    /// <param name="requested">The <c>--out</c> value, or null.</param>
    /// <param name="dataName">Short name of the data, for the fresh folder's name.</param>
    /// <param name="force">Whether an existing model may be replaced.</param>
    /// <param name="now">The time the fresh folder is named after.</param>
    /// <param name="root">Where fresh folders go (default <c>out/train</c>).</param>
    /// <returns>The folder, created and proven writable.</returns>
    /// <exception cref="UsageException">The folder holds a model and <paramref name="force"/> is false.</exception>
    /// <exception cref="CommandFailedException">The folder cannot be written or an old output cannot be removed.</exception>
    public static string Prepare(string? requested, string dataName, bool force, DateTime now, string? root = null)
    {
        string folder = requested ?? Fresh(root ?? Path.Combine("out", "train"), dataName, now);
        if (requested is not null && Directory.Exists(folder))
        {
            string model = Path.Combine(folder, Outputs[0]);
            if (File.Exists(model) && !force)
                throw new UsageException($"--out {ConsoleText.Printable(folder)} already holds a model ({Outputs[0]}); pass --force to replace it, or choose another folder");
            foreach (string name in Outputs)
            {
                string path = Path.Combine(folder, name);
                try
                {
                    if (File.Exists(path)) File.Delete(path);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new CommandFailedException($"cannot remove '{ConsoleText.Printable(path)}' left by an earlier run: {e.Message}", e);
                }
            }
        }
        OutputFolder.Prepare(folder);
        return folder;
    }

    private static string Fresh(string root, string dataName, DateTime now)
    {
        string stem = Path.Combine(root, $"{Safe(dataName)}-{now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}");
        string folder = stem;
        for (int n = 2; Directory.Exists(folder) || File.Exists(folder); n++) folder = $"{stem}-{n}";
        return folder;
    }

    private static string Safe(string name) => new([.. name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_')]);
}
