using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;

namespace Backprop.Playground.Tests.Docs;

/// <summary>
/// The curl commands of docs/playground.md, run as written (one bash script per document, in
/// order) against the real server on a free port: a command that fails or an answer that is not
/// 2xx fails the test, so the API documentation cannot drift from the API.
/// </summary>
public sealed partial class PlaygroundDocCommandTests
{
    [Fact]
    public async Task EveryCurlCommandOfTheApiDocumentWorks()
    {
        string document = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), "docs", "playground.md"));
        string[] blocks = [.. ShellBlock().Matches(document).Select(m => m.Groups[1].Value)];
        Assert.True(blocks.Length >= 2, "docs/playground.md should hold its curl examples in ```sh blocks");

        int port = FreePort();
        await using WebApplication app = PlaygroundServer.Build(new PlaygroundOptions { Port = port });
        await app.StartAsync();
        string folder = Directory.CreateTempSubdirectory("backprop-doc-curl-").FullName;
        try
        {
            // --fail-with-body turns an HTTP error into a failed command; the frame stream never
            // ends by itself, so it is cut after 3 s (curl's exit code 28 is that cut, not a failure).
            string script = "set -euo pipefail\n" +
                "curl() { local rc=0; command curl --fail-with-body --max-time 3 \"$@\" || rc=$?; if [ $rc -ne 0 ] && [ $rc -ne 28 ]; then echo \"curl $* failed ($rc)\" >&2; return $rc; fi; }\n" +
                string.Join("\n", blocks).Replace("localhost:5000", $"127.0.0.1:{port}", StringComparison.Ordinal);
            (int code, string output, string error) = await Bash(script, folder);
            Assert.True(code == 0, $"exit {code}: {error}\n{output}");
            Assert.Contains("\"epoch\":100", output);                 // step?n=100
            Assert.Contains("event: frame", output);                  // the SSE stream
            Assert.Equal("x1,x2,label", File.ReadLines(Path.Combine(folder, "points.csv")).First());
            Assert.Contains("\"learningRate\":0.1", output);          // the live setting, echoed by config.json
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<(int Code, string Output, string Error)> Bash(string script, string workingDirectory)
    {
        var start = new ProcessStartInfo("bash", ["-c", script])
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Backprop.slnx"))) return dir.FullName;
        }
        throw new InvalidOperationException("the repository root (Backprop.slnx) is not above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"```sh\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex ShellBlock();
}
