using System.Text.RegularExpressions;
using Backprop.Tests.Docs;
using Backprop.Tests.Support;

namespace Backprop.Tests.Packaging;

/// <summary>The README's "Use it in your project" section: its shell blocks in order and its <c>Program.cs</c>.</summary>
public static partial class ReadmeSection
{
    /// <summary>The section's title in README.md.</summary>
    public const string Title = "Use it in your project";

    /// <summary>The feed folder the README's commands name, replaced by a temporary one in the tests.</summary>
    public const string Feed = "~/backprop-feed";

    /// <summary>The section's <c>```sh</c> blocks, in order.</summary>
    public static IReadOnlyList<string> ShellBlocks()
    {
        string text = Text();
        return ShellBlock().Matches(text).Select(m => m.Groups[1].Value).ToList();
    }

    /// <summary>The section's C# example (the console app's <c>Program.cs</c>).</summary>
    public static DocExample Program()
    {
        string text = Text();
        string code = CSharpBlock().Match(text) is { Success: true } m ? m.Groups[1].Value
            : throw new InvalidOperationException($"README.md's \"{Title}\" has no C# block");
        return DocExample.Read(Reference.RepositoryRoot, "README.md").Single(e => e.Code == code);
    }

    private static string Text()
    {
        string readme = File.ReadAllText(Path.Combine(Reference.RepositoryRoot, "README.md")).Replace("\r\n", "\n");
        int start = readme.IndexOf($"\n## {Title}\n", StringComparison.Ordinal);
        if (start < 0) throw new InvalidOperationException($"README.md has no \"## {Title}\" section");
        int end = readme.IndexOf("\n## ", start + 4, StringComparison.Ordinal);
        return readme[start..(end < 0 ? readme.Length : end)];
    }

    [GeneratedRegex(@"^```sh\n(.*?)^```", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex ShellBlock();

    [GeneratedRegex(@"^```csharp\n(.*?)^```", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex CSharpBlock();
}
