using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Backprop.Tests.Docs;

/// <summary>Compiles a <see cref="DocExample"/> as a console program against this build of Backprop and runs it in-process.</summary>
public static partial class DocExampleRunner
{
    // The implicit usings of an SDK console project, as a reader's project would have them.
    private const string GlobalUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    private const string CheckHelper = """

        static void Check(bool condition, string what)
        {
            if (!condition) throw new Exception("documented claim does not hold: " + what);
        }
        """;

    private static readonly Lazy<MetadataReference[]> References = new(() =>
    {
        string[] platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        return [.. platform.Concat([typeof(Tensor).Assembly.Location, typeof(Backprop.Plots.PlotFonts).Assembly.Location, typeof(Backprop.Onnx).Assembly.Location, typeof(Backprop.TensorBoard.SummaryWriter).Assembly.Location])
            .Distinct().Select(path => MetadataReference.CreateFromFile(path))];
    });

    /// <summary>
    /// Compiles the example (prelude after its using directives, then its code, then its check)
    /// and runs it with <paramref name="workingDirectory"/> as the current directory.
    /// </summary>
    /// <returns>What it printed.</returns>
    /// <exception cref="InvalidOperationException">It does not compile (the message lists the errors).</exception>
    public static string Run(DocExample example, string workingDirectory)
    {
        string[] lines = example.Code.Split('\n');
        int usings = 0;
        while (usings < lines.Length && (lines[usings].StartsWith("using ") && lines[usings].TrimEnd().EndsWith(';') && !lines[usings].Contains('(') || lines[usings].Trim().Length == 0)) usings++;
        // A program may end with type declarations (a Module subclass); top-level statements,
        // the check among them, must come before those.
        int types = usings;
        while (types < lines.Length && !TypeDeclaration().IsMatch(lines[types])) types++;
        string source = string.Join('\n', lines[..usings]) + "\n" + example.Prelude + "\n" + string.Join('\n', lines[usings..types]) + "\n" + example.Check + CheckHelper
            + "\n" + string.Join('\n', lines[types..]);

        var options = new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable);
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        CSharpCompilation compilation = CSharpCompilation.Create($"DocExample{Guid.NewGuid():N}",
            [CSharpSyntaxTree.ParseText(GlobalUsings, parse), CSharpSyntaxTree.ParseText(source, parse)], References.Value, options);
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        if (!emitted.Success)
        {
            string errors = string.Join("\n", emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
            throw new InvalidOperationException($"{example} does not compile:\n{errors}\n--- source ---\n{source}");
        }

        var context = new AssemblyLoadContext(example.ToString(), isCollectible: true);
        TextWriter console = Console.Out;
        string directory = Environment.CurrentDirectory;
        var output = new StringWriter();
        try
        {
            image.Position = 0;
            MethodInfo entry = context.LoadFromStream(image).EntryPoint!;
            Console.SetOut(output);
            Environment.CurrentDirectory = workingDirectory;
            entry.Invoke(null, entry.GetParameters().Length == 0 ? [] : [Array.Empty<string>()]);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw new InvalidOperationException($"{example} failed: {e.InnerException}\n--- output ---\n{output}");
        }
        finally
        {
            Console.SetOut(console);
            Environment.CurrentDirectory = directory;
            context.Unload();
        }
        return output.ToString();
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^((public|internal|sealed|abstract|static|partial|file)\s+)*(class|record|struct|interface|enum)\s")]
    private static partial System.Text.RegularExpressions.Regex TypeDeclaration();
}
