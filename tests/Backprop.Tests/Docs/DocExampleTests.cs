using Backprop.Tests.Support;

namespace Backprop.Tests.Docs;

/// <summary>
/// Every C# example in README.md and docs/ compiles against this build, runs, and prints what
/// its comments say: a document's claim is a test with the document's own example.
/// </summary>
[Collection(nameof(ProcessStateCollection))]
public class DocExampleTests
{
    // The README, the guides, and each package's README (the page NuGet shows for it).
    private static readonly string[] Documents = ["README.md", .. Directory.GetFiles(Path.Combine(Reference.RepositoryRoot, "docs"), "*.md")
        .Concat(Directory.GetDirectories(Path.Combine(Reference.RepositoryRoot, "src")).Select(project => Path.Combine(project, "README.md")).Where(File.Exists))
        .Select(path => Path.GetRelativePath(Reference.RepositoryRoot, path)).Order()];

    /// <summary>Every example, by document and position.</summary>
    public static TheoryData<string, int> Examples()
    {
        var data = new TheoryData<string, int>();
        foreach (string document in Documents)
        {
            foreach (DocExample example in DocExample.Read(Reference.RepositoryRoot, document)) data.Add(document, example.Index);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void TheExampleRunsAndPrintsWhatItsCommentsSay(string document, int index)
    {
        DocExample example = DocExample.Read(Reference.RepositoryRoot, document).Single(e => e.Index == index);
        using var folder = new ExampleFolder();
        string[] printed = DocExampleRunner.Run(example, folder.WorkingDirectory).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
        IReadOnlyList<string> expected = example.ExpectedOutput;
        Assert.True(printed.Length >= expected.Count, $"{example} printed {printed.Length} lines, its comments promise {expected.Count}");
        for (int i = 0; i < expected.Count; i++)
        {
            int ellipsis = expected[i].IndexOf('…');
            if (ellipsis < 0) Assert.Equal(expected[i], printed[i]);
            else Assert.True(printed[i].StartsWith(expected[i][..ellipsis], StringComparison.Ordinal), $"{example} line {i + 1}: expected \"{expected[i]}\", printed \"{printed[i]}\"");
        }
    }

    [Fact]
    public void EveryExampleIsACompleteProgramAReaderCanCopy()
    {
        // Hidden setup would make a block that compiles here fail in a reader's project.
        string[] withPrelude = [.. Documents.SelectMany(d => DocExample.Read(Reference.RepositoryRoot, d)).Where(e => e.Prelude.Length > 0).Select(e => e.ToString())];
        Assert.True(withPrelude.Length == 0, $"these examples need hidden example-prelude code; make the block declare what it uses: {string.Join(", ", withPrelude)}");
    }

    [Fact]
    public void EveryDocumentWithCodeHasItsExamplesFound()
    {
        Assert.True(Examples().Count >= 9);
    }

    /// <summary>
    /// A fresh working directory whose parent also holds a link to the real ../shared, so that the
    /// examples' relative paths (<c>../shared/reference</c>, <c>data/mnist-10k</c>) resolve as from the repository root.
    /// </summary>
    private sealed class ExampleFolder : IDisposable
    {
        private readonly string _root = Directory.CreateTempSubdirectory("backprop-doc-").FullName;

        public ExampleFolder()
        {
            WorkingDirectory = Directory.CreateDirectory(Path.Combine(_root, "repo")).FullName;
            string shared = Path.GetFullPath(Path.Combine(Reference.RepositoryRoot, "..", "shared"));
            if (Directory.Exists(shared)) Directory.CreateSymbolicLink(Path.Combine(_root, "shared"), shared);
            // The shipped digits, linked one level down so an example that makes data/mnist writes into the temporary folder.
            Directory.CreateSymbolicLink(Path.Combine(Directory.CreateDirectory(Path.Combine(WorkingDirectory, "data")).FullName, "mnist-10k"),
                Path.Combine(Reference.RepositoryRoot, "data", "mnist-10k"));
        }

        public string WorkingDirectory { get; }

        public void Dispose() => Directory.Delete(_root, recursive: true);
    }
}
