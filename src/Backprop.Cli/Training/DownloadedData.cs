using System.Diagnostics;
using System.Globalization;
using Backprop.Cli.Commands;
using Backprop.Data;
using Spectre.Console;

namespace Backprop.Cli.Training;

/// <summary>
/// The data sets <c>--data</c> fetches from their publishers (<c>mnist-full</c>,
/// <c>fashion-mnist</c>) into the user's cache, with a progress bar on a terminal and two plain
/// lines elsewhere.
/// </summary>
public static class DownloadedData
{
    /// <summary>The published data set a <c>--data</c> name stands for, or null (tests point it at a loopback server).</summary>
    internal static Func<string, RemoteDataset?> Find { get; set; } = name => name.ToLowerInvariant() switch
    {
        "mnist-full" => RemoteDataset.Mnist,
        "fashion-mnist" => RemoteDataset.FashionMnist,
        _ => null,
    };

    /// <summary>The cache root; null for <see cref="DataCache.DefaultRoot"/> (tests use a temporary one).</summary>
    internal static string? Root { get; set; }

    /// <summary>Makes sure <paramref name="dataset"/> is in the cache, fetching what is missing.</summary>
    /// <param name="dataset">What to fetch.</param>
    /// <param name="console">Where the progress goes.</param>
    /// <returns>The folder holding its files.</returns>
    /// <exception cref="CommandFailedException">No mirror served a file, or one whose checksum matched (the download's one-line message).</exception>
    public static string Fetch(RemoteDataset dataset, IAnsiConsole console)
    {
        string megabytes = (dataset.TotalSize / 1e6).ToString("F1", CultureInfo.InvariantCulture);
        try
        {
            if (console.Profile.Capabilities.Interactive)
            {
                string folder = "";
                console.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(), new TransferSpeedColumn())
                    .Start(context =>
                    {
                        ProgressTask task = context.AddTask($"{dataset.Name} ({megabytes} MB)", maxValue: dataset.TotalSize);
                        folder = DataDownload.Fetch(dataset, Root, new Reporter(p => task.Value = p.Received));
                    });
                return folder;
            }
            var clock = Stopwatch.StartNew();
            console.WriteLine($"{dataset.Name}: {megabytes} MB, checked or fetched into {ConsoleText.Printable(Path.Combine(Root ?? DataCache.DefaultRoot, dataset.Name))}");
            string result = DataDownload.Fetch(dataset, Root);
            console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{dataset.Name}: ready in {clock.Elapsed.TotalSeconds:F1} s"));
            return result;
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            throw new CommandFailedException(e.Message, e);
        }
    }

    /// <summary>Reports on the thread that receives the bytes (<see cref="Progress{T}"/> would post them to the thread pool, out of order).</summary>
    private sealed class Reporter(Action<DownloadProgress> report) : IProgress<DownloadProgress>
    {
        public void Report(DownloadProgress value) => report(value);
    }
}
