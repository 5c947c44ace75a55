using System.ComponentModel;
using System.Diagnostics;

namespace Backprop;

public static partial class GraphViz
{
    /// <summary>The default time <see cref="Render"/> lets <c>dot</c> run: one minute.</summary>
    public static readonly TimeSpan DefaultRenderTimeout = TimeSpan.FromMinutes(1);

    // Tests point this at a missing program to see the not-installed path; flows with the async context only.
    private static readonly AsyncLocal<string?> DotProgramOverride = new();

    /// <summary>Replaces the <c>dot</c> program for the current async flow (tests only); null restores the default.</summary>
    internal static string? DotProgramForTests
    {
        get => DotProgramOverride.Value;
        set => DotProgramOverride.Value = value;
    }

    /// <summary>The full path of Graphviz's <c>dot</c> program, or <see langword="null"/> when it is not on the PATH.</summary>
    /// <returns>The path, or null.</returns>
    public static string? FindDot()
    {
        string program = DotProgramOverride.Value ?? "dot";
        if (Path.IsPathRooted(program)) return File.Exists(program) ? program : null;
        string[] names = OperatingSystem.IsWindows() ? [program + ".exe", program] : [program];
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (string name in names)
            {
                string candidate = Path.Combine(dir, name);
                if (File.Exists(candidate)) return candidate;
            }
        }
        return null;
    }

    /// <summary>
    /// Renders DOT text to <paramref name="outputPath"/> with Graphviz's <c>dot</c> program, in the
    /// format its extension names: <c>.svg</c>, <c>.png</c> or <c>.pdf</c>. The parent folder is
    /// created if needed.
    /// </summary>
    /// <param name="dot">The DOT text, e.g. from <see cref="ToDot(Value, GraphVizOptions?)"/>.</param>
    /// <param name="outputPath">The file to write.</param>
    /// <param name="timeout">How long <c>dot</c> may run before it is stopped;
    /// <see langword="null"/> for <see cref="DefaultRenderTimeout"/>.</param>
    /// <exception cref="ArgumentException">The extension is not .svg, .png or .pdf.</exception>
    /// <exception cref="GraphVizNotFoundException"><c>dot</c> is not on the PATH; the message says how to install it.</exception>
    /// <exception cref="TimeoutException"><c>dot</c> ran longer than <paramref name="timeout"/> and was stopped.</exception>
    /// <exception cref="InvalidOperationException"><c>dot</c> failed; the message holds what it printed.</exception>
    public static void Render(string dot, string outputPath, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(dot);
        ArgumentException.ThrowIfNullOrEmpty(outputPath);
        string extension = Path.GetExtension(outputPath).ToLowerInvariant();
        string format = extension switch
        {
            ".svg" => "svg",
            ".png" => "png",
            ".pdf" => "pdf",
            _ => throw new ArgumentException($"GraphViz.Render: cannot tell the format of '{outputPath}' from its extension '{extension}'; use .svg, .png or .pdf (or write the DOT text itself to a .dot file)", nameof(outputPath)),
        };
        TimeSpan limit = timeout ?? DefaultRenderTimeout;
        string program = FindDot() ?? throw new GraphVizNotFoundException(outputPath);
        string fullPath = Path.GetFullPath(outputPath);
        string? folder = Path.GetDirectoryName(fullPath);
        if (!string.IsNullOrEmpty(folder)) Directory.CreateDirectory(folder);

        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-T" + format);
        start.ArgumentList.Add("-o");
        start.ArgumentList.Add(fullPath);

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new GraphVizNotFoundException(outputPath);
        }
        catch (Win32Exception)
        {
            throw new GraphVizNotFoundException(outputPath);
        }
        using (process)
        {
            // Read both streams while writing, so that neither pipe can fill and block dot.
            Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            try
            {
                process.StandardInput.Write(dot);
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // dot exited early (bad input); its exit code and message say why.
            }
            if (!process.WaitForExit(limit))
            {
                try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                throw new TimeoutException($"GraphViz.Render: dot did not finish rendering '{outputPath}' within {limit.TotalSeconds:0.#} s and was stopped");
            }
            process.WaitForExit(); // drains the redirected streams
            string error = stderr.GetAwaiter().GetResult().Trim();
            _ = stdout.GetAwaiter().GetResult();
            if (process.ExitCode != 0)
            {
                string firstLine = error.Split('\n', 2)[0].Trim();
                throw new InvalidOperationException($"GraphViz.Render: dot failed with exit code {process.ExitCode} rendering '{outputPath}': {(firstLine.Length > 0 ? firstLine : "no message")}");
            }
        }
    }
}
