using System.Diagnostics;

namespace Backprop.Tests.Cli;

/// <summary>
/// SIGTERM and SIGHUP stop <c>backprop train</c> as Ctrl+C does: after the current step, with the
/// model saved and the exit code 128 + the signal. Signals need a process of their own, so these
/// tests start the built command rather than running it in-process.
/// </summary>
public sealed class TrainSignalTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("backprop-signal-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("TERM", 143, "SIGTERM")]
    [InlineData("HUP", 129, "SIGHUP")]
    [InlineData("INT", 130, "SIGINT")]
    public async Task ASignalSavesTheModelAndExitsWith128PlusItsNumber(string signal, int expectedCode, string name)
    {
        string folder = Path.Combine(_dir, signal);
        string dll = typeof(Backprop.Cli.Program).Assembly.Location;
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string arg in new[] { dll, "train", "--data", "spirals", "--hidden", "32,32", "--epochs", "100000", "--out", folder })
            start.ArgumentList.Add(arg);
        using Process process = Process.Start(start)!;
        Task<string> errors = process.StandardError.ReadToEndAsync();
        var output = new System.Text.StringBuilder();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is string line)
        {
            output.AppendLine(line);
            if (line.StartsWith("epoch 2/", StringComparison.Ordinal)) break;
        }
        using (Process kill = Process.Start("kill", ["-s", signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync(timeout.Token);
        output.Append(await process.StandardOutput.ReadToEndAsync(timeout.Token));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == expectedCode, $"exit {process.ExitCode}: {await errors}\n{output}");
        Assert.Contains($"interrupted by {(name == "SIGINT" ? "Ctrl+C (SIGINT)" : name)}", output.ToString());
        Assert.True(File.Exists(Path.Combine(folder, "model.safetensors")));
        Assert.True(File.Exists(Path.Combine(folder, "metrics.csv")));
    }
}
