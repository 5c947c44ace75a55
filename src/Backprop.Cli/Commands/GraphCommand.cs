using System.CommandLine;
using System.Globalization;
using Backprop.Cli.Graph;
using Spectre.Console;

namespace Backprop.Cli.Commands;

/// <summary>
/// <c>backprop graph "EXPR" --set w=0.5,x=2 --out FILE</c> (or <c>backprop graph --chapter</c>):
/// builds the expression with <see cref="Value"/>, runs backpropagation, prints every variable's
/// value and gradient, and draws the graph as micrograd's <c>draw_dot</c> does, to a .dot file
/// or, with Graphviz installed, .svg, .png or .pdf.
/// </summary>
public static class GraphCommand
{
    /// <summary>Where the drawing goes when <c>--out</c> is not given, relative to the current folder.</summary>
    public static readonly string DefaultOut = Path.Combine("out", "graph.svg");

    private static readonly string[] Extensions = [".dot", ".gv", ".svg", ".png", ".pdf"];

    /// <summary>Builds the command, writing to <paramref name="console"/>.</summary>
    /// <param name="console">Where the values and gradients are printed.</param>
    public static Command Create(IAnsiConsole console)
    {
        var expression = new Argument<string?>("expression")
        {
            Description = "The expression, e.g. \"(relu(w*x + b) - 5)^2\": numbers, variables, + - * / ^ (constant exponent), unary minus, parentheses, exp log tanh sigmoid relu",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var set = new Option<string[]>("--set")
        {
            Description = "Variable values, NAME=NUMBER separated by commas (may be repeated)",
            HelpName = "NAME=NUMBER,...",
        };
        var outOption = new Option<string>("--out")
        {
            Description = "The drawing: .dot (always), or .svg, .png, .pdf (need Graphviz's dot)",
            DefaultValueFactory = _ => DefaultOut,
            HelpName = "FILE",
        };
        var chapter = new Option<bool>("--chapter") { Description = "Draw the chapter's single neuron with its loss instead of an expression" };
        var command = new Command("graph", "Differentiate an expression and draw its computation graph (values and gradients on every node)")
        {
            expression,
            set,
            outOption,
            chapter,
        };
        command.SetAction(parsed => Run(console, parsed.InvocationConfiguration.Error, parsed.GetValue(expression),
            parsed.GetValue(set) ?? [], parsed.GetValue(outOption)!, parsed.GetValue(chapter)));
        return command;
    }

    /// <summary>Builds, differentiates, prints and draws; see <see cref="GraphCommand"/>.</summary>
    /// <param name="console">Where the values and gradients are printed.</param>
    /// <param name="error">Where the one line about a syntax error goes.</param>
    /// <param name="text">The expression, or null with <paramref name="chapter"/>.</param>
    /// <param name="assignments">The <c>--set</c> values.</param>
    /// <param name="outPath">The file to write.</param>
    /// <param name="chapter">Whether to draw the chapter's neuron.</param>
    /// <returns>The exit code: 0, or <see cref="CommandLine.Usage"/> for an expression that does not parse.</returns>
    /// <exception cref="UsageException">Options that do not go together, a bad --set or --out, a variable without a value.</exception>
    /// <exception cref="CommandFailedException">An output that cannot be written or drawn; one line.</exception>
    public static int Run(IAnsiConsole console, TextWriter error, string? text, string[] assignments, string outPath, bool chapter)
    {
        string extension = Path.GetExtension(outPath).ToLowerInvariant();
        if (!Extensions.Contains(extension))
            throw new UsageException($"--out: cannot tell the format of '{outPath}' from its extension '{extension}'; use .dot, .svg, .png or .pdf");
        if (chapter && (text is not null || assignments.Length > 0))
            throw new UsageException("--chapter draws the chapter's neuron; give either --chapter or an expression (with --set), not both");
        if (!chapter && string.IsNullOrWhiteSpace(text))
            throw new UsageException("give an expression, e.g. backprop graph \"(relu(w*x + b) - 5)^2\" --set w=0.5,x=2,b=0.3, or --chapter");

        ParsedExpression graph;
        string title;
        if (chapter)
        {
            graph = ChapterNeuron.Build();
            title = ChapterNeuron.Title;
        }
        else
        {
            Dictionary<string, double> values = VariableAssignments.Parse(assignments);
            try
            {
                graph = ExpressionParser.Parse(text!, values);
            }
            catch (ExpressionSyntaxException e)
            {
                // A bad expression is a usage error, like a bad option: exit code 2.
                error.WriteLine($"backprop: {e.Message}");
                return CommandLine.Usage;
            }
            if (graph.Unknown.Count > 0)
            {
                string names = string.Join(", ", graph.Unknown.Select(n => $"'{n}'"));
                string example = string.Join(",", graph.Unknown.Select(n => n + "=1"));
                throw new UsageException($"no value for {(graph.Unknown.Count == 1 ? "variable" : "variables")} {names}; give {(graph.Unknown.Count == 1 ? "it" : "them")} with --set {example}");
            }
            string[] unused = values.Keys.Where(name => graph.Variables.All(v => v.Label != name)).ToArray();
            if (unused.Length > 0)
                throw new UsageException($"--set: {string.Join(", ", unused.Select(n => $"'{n}'"))} {(unused.Length == 1 ? "does" : "do")} not appear in the expression");
            title = "L = " + Title(text!);
        }

        Value output = graph.Output;
        output.Backward();
        console.WriteLine($"L = {Format(output.Data)}");
        foreach (Value variable in graph.Variables)
            console.WriteLine($"{variable.Label} = {Format(variable.Data)}    dL/d{variable.Label} = {Format(variable.Grad)}");

        string dot = GraphViz.ToDot(output, new GraphVizOptions { Title = title });
        string? folder = Path.GetDirectoryName(Path.GetFullPath(outPath));
        if (folder is not null) OutputFolder.Prepare(folder);
        if (extension is ".dot" or ".gv")
        {
            File.WriteAllText(outPath, dot);
        }
        else
        {
            try
            {
                GraphViz.Render(dot, outPath);
            }
            catch (GraphVizNotFoundException)
            {
                string dotPath = Path.ChangeExtension(outPath, ".dot");
                File.WriteAllText(dotPath, dot);
                throw new CommandFailedException($"Graphviz's 'dot' is not installed, so '{outPath}' was not drawn; wrote '{dotPath}' instead. To draw it, {GraphVizNotFoundException.InstallHint}, then run: dot -T{extension[1..]} {dotPath} -o {outPath}");
            }
            catch (Exception e) when (e is TimeoutException or InvalidOperationException)
            {
                throw new CommandFailedException(e.Message, e);
            }
        }
        console.WriteLine($"wrote {outPath}");
        return 0;
    }

    /// <summary>The longest expression shown whole in the drawing's title (Graphviz refuses quoted strings over 16 KB).</summary>
    public const int MaxTitleLength = 200;

    /// <summary>The expression for the title: whitespace collapsed, cut to <see cref="MaxTitleLength"/> characters with the full length said.</summary>
    private static string Title(string text)
    {
        string compact = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return compact.Length <= MaxTitleLength
            ? compact
            : string.Create(CultureInfo.InvariantCulture, $"{compact[..(MaxTitleLength - 1)]}… ({compact.Length:N0} characters)");
    }

    /// <summary>Numbers as printed: up to ten significant digits, so -14.8 prints as -14.8, not -14.799999999999999.</summary>
    private static string Format(double value) => value.ToString("G10", CultureInfo.InvariantCulture);
}
