using System.Diagnostics;
using System.Text;

namespace Backprop.Tests.Packaging;

/// <summary>
/// Runs a bash script as a user would type it, with the .NET CLI's first-run chatter and
/// telemetry off and none of the test host's MSBuild settings (a build started from a test must
/// find its own SDK, as from a terminal).
/// </summary>
public static class Shell
{
    /// <summary>Runs <paramref name="script"/> with <c>bash -eo pipefail</c> in <paramref name="directory"/>.</summary>
    /// <param name="script">The commands, one a line.</param>
    /// <param name="directory">The working directory.</param>
    /// <param name="timeout">How long it may take before it is killed and the test fails.</param>
    /// <param name="environment">Variables to set (a null value removes one).</param>
    /// <returns>The exit code and everything it printed, both streams in order.</returns>
    public static (int Code, string Output) Run(string script, string directory, TimeSpan timeout, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo("bash") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in new[] { "-eo", "pipefail", "-c", script }) start.ArgumentList.Add(arg);
        foreach (string name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(name);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        // No MSBuild worker stays behind to hold files of the temporary folders.
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        foreach ((string name, string? value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null) start.Environment.Remove(name);
            else start.Environment[name] = value;
        }

        var output = new StringBuilder();
        using Process process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new TimeoutException($"`{script}` did not finish in {timeout.TotalMinutes:F0} min:\n{output}");
        }
        process.WaitForExit();
        lock (output) return (process.ExitCode, output.ToString());
    }
}
