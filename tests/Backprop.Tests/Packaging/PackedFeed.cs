using System.Runtime.InteropServices;
using Backprop.Tests.Support;

namespace Backprop.Tests.Packaging;

/// <summary>
/// Runs the README's <c>dotnet pack</c> once, in a copy of the repository (so nothing is built into
/// the obj/ and bin/ folders that the rest of the test run uses), with a fresh home folder: the
/// feed lands in <c>~/backprop-feed</c> of that home, as the README says.
/// </summary>
/// <remarks>
/// The home's NuGet configuration has one source, the machine's global packages folder, standing
/// in for nuget.org: every package the build needs is already there (the test run restored it),
/// and nothing is downloaded. The tool is packed for this machine's platform only
/// (<c>ToolPackageRuntimeIdentifiers</c>): the README's command packs all eight, a few minutes
/// more of the same work.
/// </remarks>
public sealed class PackedFeed : IDisposable
{
    private static readonly string[] SkippedFolders = ["bin", "obj", "node_modules", "TestResults", "BenchmarkDotNet.Artifacts"];

    /// <summary>Copies the repository and packs it.</summary>
    public PackedFeed()
    {
        Root = Directory.CreateTempSubdirectory("backprop-pack-").FullName;
        Home = Directory.CreateDirectory(Path.Combine(Root, "home")).FullName;
        Feed = Path.Combine(Home, "backprop-feed");
        string nugetConfig = Path.Combine(Directory.CreateDirectory(Path.Combine(Home, ".nuget", "NuGet")).FullName, "NuGet.Config");
        File.WriteAllText(nugetConfig, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="packages-on-this-machine" value="{GlobalPackages}" />
              </packageSources>
            </configuration>
            """);

        string source = Path.Combine(Root, "repo");
        CopyRepository(Reference.RepositoryRoot, source);
        string pack = ReadmeSection.ShellBlocks()[0];
        Assert.StartsWith("dotnet pack ", pack);
        (int code, string output) = Shell.Run($"{pack.TrimEnd()} -p:ToolPackageRuntimeIdentifiers={Rid}", source, TimeSpan.FromMinutes(25),
            Environment(GlobalPackages));
        PackOutput = output;
        if (code != 0) throw new InvalidOperationException($"the README's dotnet pack failed ({code}):\n{output}");
    }

    /// <summary>The temporary folder holding everything.</summary>
    public string Root { get; }

    /// <summary>The home folder the README's commands run in (<c>~</c>).</summary>
    public string Home { get; }

    /// <summary>The feed the packages went to: <c>~/backprop-feed</c>.</summary>
    public string Feed { get; }

    /// <summary>What <c>dotnet pack</c> printed.</summary>
    public string PackOutput { get; }

    /// <summary>This machine's platform as the tool packages name it (<c>linux-x64</c>).</summary>
    public static string Rid { get; } =
        (OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux") + "-" + RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant();

    /// <summary>The machine's NuGet global packages folder.</summary>
    public static string GlobalPackages { get; } = System.Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } set ? set
        : Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    /// <summary>The variables for a command of the README: the fresh home, and where NuGet extracts packages.</summary>
    /// <param name="packages">The global packages folder for this command.</param>
    public Dictionary<string, string?> Environment(string packages) => new()
    {
        ["HOME"] = Home,
        ["DOTNET_CLI_HOME"] = Home,
        ["NUGET_PACKAGES"] = packages,
        // A CI build maps source paths through git's SourceRoot, which the copy (no .git) lacks.
        ["CI"] = null,
    };

    /// <inheritdoc/>
    public void Dispose() => Directory.Delete(Root, recursive: true);

    private static void CopyRepository(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.EnumerateFiles(from))
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (string folder in Directory.EnumerateDirectories(from))
        {
            string name = Path.GetFileName(folder);
            bool atRoot = from == Reference.RepositoryRoot;
            if (SkippedFolders.Contains(name) || name.StartsWith(".git", StringComparison.Ordinal) || atRoot && name is "out" or "shared") continue;
            if (new DirectoryInfo(folder).LinkTarget is not null) continue;
            CopyRepository(folder, Path.Combine(to, name));
        }
    }
}
