using System.Text.RegularExpressions;

namespace Backprop.Tests.Docs;

/// <summary>
/// One <c>```csharp</c> block of a Markdown document, with what the document says it prints and
/// the hidden setup and checks that make it a test.
/// </summary>
/// <remarks>
/// <para>
/// An HTML comment right before the block, <c>&lt;!-- example-prelude ... --&gt;</c>, holds code
/// that runs first (the variables a fragment assumes, such as <c>model</c>); one right after it,
/// <c>&lt;!-- example-check ... --&gt;</c>, holds code that runs last and may call
/// <c>Check(condition, "what")</c>. Readers of the rendered page see neither. Preludes are kept out of
/// the documents (a test says so): every block is a program a reader can copy as it is.
/// </para>
/// <para>
/// A <c>Console.WriteLine(...)</c> line whose comment shows a result is an expectation: the
/// printed line must equal the comment, or, where the comment elides with "…", start with what
/// comes before it.
/// </para>
/// </remarks>
/// <param name="Document">The document's path relative to the repository root.</param>
/// <param name="Index">The block's position among the document's C# blocks, from 1.</param>
/// <param name="Code">The block's code.</param>
/// <param name="Prelude">Hidden code to run first.</param>
/// <param name="Check">Hidden code to run last.</param>
public sealed partial record DocExample(string Document, int Index, string Code, string Prelude, string Check)
{
    /// <summary>The printed lines the block's comments promise, in order (a trailing "…" marks a prefix).</summary>
    public IReadOnlyList<string> ExpectedOutput =>
        Code.Split('\n').Select(line => PrintedComment().Match(line)).Where(m => m.Success)
            .Select(m => m.Groups[1].Value.Trim().Trim('"')).ToList();

    /// <summary>The C# blocks of the Markdown file at <paramref name="path"/>.</summary>
    public static IEnumerable<DocExample> Read(string root, string path)
    {
        string text = File.ReadAllText(Path.Combine(root, path)).Replace("\r\n", "\n");
        int index = 0;
        foreach (Match block in CodeBlock().Matches(text))
        {
            index++;
            string before = text[..block.Index].TrimEnd();
            Match prelude = TrailingComment("example-prelude").Match(before);
            string after = text[(block.Index + block.Length)..].TrimStart();
            Match check = LeadingComment("example-check").Match(after);
            yield return new DocExample(path, index, block.Groups[1].Value,
                prelude.Success ? prelude.Groups[1].Value : "", check.Success ? check.Groups[1].Value : "");
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Document} example {Index}";

    [GeneratedRegex(@"^```csharp\n(.*?)^```", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex CodeBlock();

    [GeneratedRegex(@"Console\.WriteLine\(.*\);\s*//\s*(.+)$")]
    private static partial Regex PrintedComment();

    // The comment's text may not contain another "<!--": the match is the nearest comment.
    private static Regex TrailingComment(string name) => new($@"<!--\s*{name}\n((?:(?!<!--).)*?)-->$", RegexOptions.Singleline);

    private static Regex LeadingComment(string name) => new($@"^<!--\s*{name}\n((?:(?!<!--).)*?)-->", RegexOptions.Singleline);
}
