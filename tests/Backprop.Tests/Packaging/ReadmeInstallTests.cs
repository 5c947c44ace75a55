using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Xml.Linq;
using Backprop.Tests.Docs;

namespace Backprop.Tests.Packaging;

/// <summary>
/// README's "Use it in your project", command by command, from a fresh home folder: the packages
/// restore into a new console app that trains, and the tool installs and runs the chapter,
/// MNIST training and the playground. A broken package fails here.
/// </summary>
public sealed class ReadmeInstallTests(PackedFeed packed) : IClassFixture<PackedFeed>
{
    private static readonly TimeSpan Minutes5 = TimeSpan.FromMinutes(5);

    [Fact]
    public void TheReadmesConsoleAppTrainsOnThePackageAndTheToolRunsFromItsPackage()
    {
        IReadOnlyList<string> blocks = ReadmeSection.ShellBlocks();
        Assert.Equal(4, blocks.Count);
        string work = Directory.CreateDirectory(Path.Combine(packed.Root, "work")).FullName;
        // Its own packages folder: a Backprop 0.1.0 left in the machine's cache by an earlier run must not stand in for this build's.
        Dictionary<string, string?> environment = packed.Environment(Path.Combine(packed.Root, "packages"));
        environment["PATH"] = $"{Path.Combine(packed.Home, ".dotnet", "tools")}{Path.PathSeparator}{System.Environment.GetEnvironmentVariable("PATH")}";

        // dotnet new console, the feed as a source, dotnet add package; then the README's Program.cs and dotnet run.
        (int code, string output) = Shell.Run(blocks[1], work, Minutes5, environment);
        Assert.True(code == 0, output);
        string app = Path.Combine(work, "MyNet");
        Assert.Contains("Include=\"Backprop\" Version=\"0.1.0\"", File.ReadAllText(Path.Combine(app, "MyNet.csproj")));
        DocExample program = ReadmeSection.Program();
        File.WriteAllText(Path.Combine(app, "Program.cs"), program.Code);
        Assert.StartsWith("dotnet run", blocks[2]);
        (code, output) = Shell.Run(blocks[2], app, Minutes5, environment);
        Assert.True(code == 0, output);
        Assert.Equal(program.ExpectedOutput, output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        // The package's buildTransitive props reached the app's runtimeconfig: no 100 ms tiering
        // delay, a 2 MB large-object threshold (docs/packaging.md).
        string runtimeConfig = File.ReadAllText(Path.Combine(app, "bin", "Debug", "net10.0", "MyNet.runtimeconfig.json"));
        Assert.Contains("\"System.Runtime.TieredCompilation.CallCountingDelayMs\": 0", runtimeConfig);
        Assert.Contains("\"System.GC.LOHThreshold\": 2097152", runtimeConfig);

        // dotnet tool install --global (into the fresh home), then backprop chapter from PATH.
        (code, output) = Shell.Run(blocks[3], app, Minutes5, environment);
        Assert.True(code == 0, output);
        Assert.True(Directory.Exists(Path.Combine(packed.Home, ".dotnet", "tools", ".store", "backprop.cli", "0.1.0", $"backprop.cli.{PackedFeed.Rid}")),
            $"the tool for {PackedFeed.Rid} was not the one installed:\n{output}");
        Assert.Contains("Gradient at layer 12: 3.53e-08 (0.0000% of original)", output);

        // The other two things the tool must do from its package: MNIST from the digits it carries, and the playground's page.
        (code, output) = Shell.Run("backprop train --data mnist --epochs 1 --out mnist", work, Minutes5, environment);
        Assert.True(code == 0, output);
        Assert.Matches(@"test\s*│\s*[0-9.]+\s*│\s*[0-9.]+%", output);
        Assert.True(File.Exists(Path.Combine(work, "mnist", "model.safetensors")), output);
        Assert.Equal("<title>Backprop playground</title>", ServePlaygroundAndReadTitle(work, environment));
    }

    [Fact]
    public void ThePackagesCarryTheirMetadataDocsSymbolsAndOnlyThisPlatformsNatives()
    {
        foreach ((string id, string assembly) in new[] { ("Backprop", "Backprop.Core"), ("Backprop.Plots", "Backprop.Plots"), ("Backprop.Onnx", "Backprop.Onnx"), ("Backprop.TensorBoard", "Backprop.TensorBoard") })
        {
            string package = Path.Combine(packed.Feed, $"{id}.0.1.0.nupkg");
            using ZipArchive zip = ZipFile.OpenRead(package);
            XElement metadata = Nuspec(zip);
            Assert.Equal(id, Field(metadata, "id"));
            Assert.Equal("The Backprop maintainers", Field(metadata, "authors"));
            Assert.Equal("MIT", Field(metadata, "license"));
            Assert.Equal("README.md", Field(metadata, "readme"));
            Assert.False(string.IsNullOrWhiteSpace(Field(metadata, "description")));
            Assert.StartsWith("0.1.0: ", Field(metadata, "releaseNotes"));
            XElement repository = metadata.Elements().Single(e => e.Name.LocalName == "repository");
            Assert.Equal("git", repository.Attribute("type")?.Value);
            Assert.Equal(File.ReadAllText(Path.Combine(Support.Reference.RepositoryRoot, "src", id, "README.md")), Entry(zip, "README.md"));
            Assert.Contains("<member name=", Entry(zip, $"lib/net10.0/{assembly}.xml"));
            Assert.True(File.Exists(Path.ChangeExtension(package, ".snupkg")), $"{id}: no symbol package");
        }
        // The vendored .proto files' licences travel with the packages built from them.
        using (ZipArchive onnx = ZipFile.OpenRead(Path.Combine(packed.Feed, "Backprop.Onnx.0.1.0.nupkg")))
            Assert.Contains("Apache License", Entry(onnx, "LICENSE-onnx.txt"));
        using (ZipArchive tensorBoard = ZipFile.OpenRead(Path.Combine(packed.Feed, "Backprop.TensorBoard.0.1.0.nupkg")))
            Assert.Contains("Apache License", Entry(tensorBoard, "LICENSE-tensorboard.txt"));
        // The plots package depends on ScottPlot (and so on each platform's Skia natives) instead of carrying them.
        using (ZipArchive plots = ZipFile.OpenRead(Path.Combine(packed.Feed, "Backprop.Plots.0.1.0.nupkg")))
            Assert.DoesNotContain(plots.Entries, e => e.FullName.StartsWith("runtimes/", StringComparison.Ordinal));

        // The tool: a pointer package, and one for this platform with this platform's natives only.
        using (ZipArchive pointer = ZipFile.OpenRead(Path.Combine(packed.Feed, "Backprop.Cli.0.1.0.nupkg")))
        {
            string settings = Entry(pointer, "tools/any/any/DotnetToolSettings.xml");
            Assert.Contains("Command Name=\"backprop\"", settings);
            Assert.Contains($"RuntimeIdentifier=\"{PackedFeed.Rid}\"", settings);
        }
        string tool = Path.Combine(packed.Feed, $"Backprop.Cli.{PackedFeed.Rid}.0.1.0.nupkg");
        using (ZipArchive zip = ZipFile.OpenRead(tool))
        {
            string[] natives = zip.Entries.Select(e => e.FullName).Where(n => n.Contains("libSkiaSharp", StringComparison.Ordinal)).ToArray();
            Assert.Single(natives);
            Assert.StartsWith($"tools/net10.0/{PackedFeed.Rid}/", natives[0]);
            Assert.Contains(zip.Entries, e => e.FullName == $"tools/net10.0/{PackedFeed.Rid}/data/mnist-10k/images-idx3-ubyte.gz");
        }
        // docs/packaging.md: about 10 MB, against 82 MB when every platform's natives travelled together.
        long size = new FileInfo(tool).Length;
        Assert.InRange(size, 5_000_000, 15_000_000);
        Assert.DoesNotContain("warning", packed.PackOutput, StringComparison.OrdinalIgnoreCase);
    }

    private static XElement Nuspec(ZipArchive zip) =>
        XDocument.Parse(Entry(zip, zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).FullName))
            .Root!.Elements().Single(e => e.Name.LocalName == "metadata");

    private static string Field(XElement metadata, string name) => metadata.Elements().Single(e => e.Name.LocalName == name).Value;

    private static string Entry(ZipArchive zip, string name)
    {
        ZipArchiveEntry entry = zip.GetEntry(name) ?? throw new InvalidOperationException($"the package has no {name}");
        using var reader = new StreamReader(entry.Open());
        return reader.ReadToEnd();
    }

    /// <summary>Starts the installed <c>backprop playground</c>, reads the page's title, and stops it.</summary>
    private static string ServePlaygroundAndReadTitle(string directory, Dictionary<string, string?> environment)
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        // The server runs in the background; the script fetches the page, then stops it with SIGTERM (it exits 0 on it).
        string script = $$"""
            backprop playground --port {{port}} & server=$!
            for i in $(seq 1 100); do
              if page=$(exec 3<>/dev/tcp/127.0.0.1/{{port}} && printf 'GET / HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3 && cat <&3); then break; fi
              sleep 0.2
            done
            kill -TERM $server
            wait $server
            grep -o '<title>[^<]*</title>' <<<"$page"
            """;
        (int code, string output) = Shell.Run(script, directory, Minutes5, environment);
        Assert.True(code == 0, output);
        return output.Split('\n', StringSplitOptions.TrimEntries).Last(l => l.Length > 0);
    }
}
