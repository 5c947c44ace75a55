using Backprop.Cli.Commands;
using Backprop.Cli.Graph;
using Backprop.Tests.Diagnostics;
using Backprop.Tests.Support;

namespace Backprop.Tests.Cli;

/// <summary><c>backprop graph</c>: the expression parser, the chapter's neuron, the drawing and the one-line errors.</summary>
public sealed class GraphCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"backprop-graph-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private static (int Code, string Out, string Err) Run(params string[] args) => Support.Cli.Run(args);

    private static double Eval(string text, params (string Name, double Value)[] values) =>
        ExpressionParser.Parse(text, values.ToDictionary(v => v.Name, v => v.Value)).Output.Data;

    // ---- parser: precedence and associativity, by value --------------------------------------

    [Theory]
    [InlineData("2^3^2", 512)]            // right-associative
    [InlineData("2**3**2", 512)]          // Python's spelling
    [InlineData("-2^2", -4)]              // ^ binds tighter than unary minus, as in Python
    [InlineData("(-2)^2", 4)]
    [InlineData("2^-1", 0.5)]
    [InlineData("2*3+4", 10)]
    [InlineData("2+3*4", 14)]
    [InlineData("(2+3)*4", 20)]
    [InlineData("10-4-3", 3)]             // left-associative
    [InlineData("64/4/2", 8)]
    [InlineData("--3", 3)]
    [InlineData("+3 - -2", 5)]
    [InlineData("1.5e2 + .5", 150.5)]
    [InlineData("relu(-3) + relu(2)", 2)]
    public void ConstantExpressionsFollowPythonsPrecedence(string text, double expected) =>
        Assert.Equal(expected, Eval(text), 12);

    [Fact]
    public void VariablesAndFunctionsComputeAsValueDoes()
    {
        Assert.Equal(Math.Exp(1) + Math.Log(2), Eval("exp(x) + log(y)", ("x", 1), ("y", 2)), 12);
        Assert.Equal(Math.Tanh(0.3) * (1 / (1 + Math.Exp(-0.7))), Eval("tanh(a) * sigmoid(b)", ("a", 0.3), ("b", 0.7)), 12);
        Assert.Equal(-4, Eval("-x^2", ("x", 2)), 12);
        Assert.Equal(1.3, Eval("relu(w*x + b)", ("w", 0.5), ("x", 2), ("b", 0.3)), 12);
    }

    [Theory]
    [InlineData("(relu(w*x + b) - 5)^2")]
    [InlineData("x*x*y / (1 + exp(-y))")]
    [InlineData("tanh(x*y - 0.5) + sigmoid(x)^3 - log(y)")]
    [InlineData("-x^2 + x/y - y^-2")]
    [InlineData("(x + y) * (x - y) * 2.5 - 1/x")]
    public void GradientsMatchFiniteDifferences(string text)
    {
        var point = new Dictionary<string, double> { ["x"] = 0.7, ["y"] = 1.3, ["w"] = 0.5, ["b"] = 0.3 };
        ParsedExpression parsed = ExpressionParser.Parse(text, point);
        parsed.Output.Backward();
        string[] names = parsed.Variables.Select(v => v.Label!).ToArray();
        double F(double[] at) => ExpressionParser.Parse(text, names.Zip(at).ToDictionary(p => p.First, p => p.Second)).Output.Data;
        double[] numeric = FiniteDifference.Gradient(F, names.Select(n => point[n]).ToArray());
        FiniteDifference.AssertClose(parsed.Variables.Select(v => v.Grad).ToArray(), numeric, what: text);
    }

    [Fact]
    public void AVariableUsedTwiceIsOneLeafAndNodesAreLabelledWithTheirSource()
    {
        ParsedExpression parsed = ExpressionParser.Parse("x*x + relu(x)", new Dictionary<string, double> { ["x"] = 3 });
        Value x = Assert.Single(parsed.Variables);
        parsed.Output.Backward();
        Assert.Equal(7, x.Grad, 12);
        Assert.Equal("x*x + relu(x)", parsed.Output.Label);
        Assert.Contains(ValueGraph.Nodes(parsed.Output), n => n.Label == "relu(x)");
        Assert.Contains(ValueGraph.Nodes(parsed.Output), n => n.Label == "x*x");
    }

    [Theory]
    [InlineData("(w*x + b", 9, "expected ')'")]
    [InlineData("2 +", 4, "found end of expression")]
    [InlineData("2 + * 3", 5, "expected a number, a variable, a function or '('")]
    [InlineData("2 3", 3, "unexpected '3'")]
    [InlineData("x + 1)", 6, "unmatched ')'")]
    [InlineData("x # 2", 3, "unexpected character '#'")]
    [InlineData("foo(2)", 1, "unknown function 'foo'")]
    [InlineData("exp 2", 5, "expected '(' after the function 'exp'")]
    [InlineData("2^x", 3, "exponent must be a constant")]
    [InlineData("", 1, "found end of expression")]
    public void SyntaxErrorsNameTheColumn(string text, int column, string detail)
    {
        var e = Assert.Throws<ExpressionSyntaxException>(() => ExpressionParser.Parse(text, new Dictionary<string, double> { ["x"] = 1, ["w"] = 1, ["b"] = 1 }));
        Assert.Equal(column, e.Column);
        Assert.Contains(detail, e.Message);
        Assert.StartsWith($"syntax error at column {column}: ", e.Message);
    }

    [Fact]
    public void NestingIsCappedWithAClearErrorNotAStackOverflow()
    {
        string deep = new string('(', 100_000) + "1" + new string(')', 100_000);
        var e = Assert.Throws<ExpressionSyntaxException>(() => ExpressionParser.Parse(deep, new Dictionary<string, double>()));
        Assert.Contains("nested too deeply", e.Message);
        Assert.Throws<ExpressionSyntaxException>(() => ExpressionParser.Parse(new string('-', 100_000) + "1", new Dictionary<string, double>()));

        string fine = new string('(', 150) + "x" + new string(')', 150);
        Assert.Equal(2, Eval(fine, ("x", 2)));
        string longSum = string.Join("+", Enumerable.Repeat("x", 50_000)); // loops, not recursion
        Assert.Equal(50_000, Eval(longSum, ("x", 1)));
    }

    // ---- the command ---------------------------------------------------------------------------

    [Fact]
    public void ChapterPrintsTheChaptersGradientsAndWritesDot()
    {
        string path = Path.Combine(_dir, "chapter.dot");
        (int code, string output, string error) = Run("graph", "--chapter", "--out", path);
        Assert.True(code == 0, error);
        Assert.Contains("L = 13.69", output);
        Assert.Contains("dL/dw = -14.8\n", output.Replace("\r", ""));
        Assert.Contains("dL/db = -7.4\n", output.Replace("\r", ""));
        string dot = File.ReadAllText(path);
        Assert.Contains("{ w | data 0.5000 | grad -14.8000 }", dot);
        Assert.Contains("{ out | data 1.3000 | grad -7.4000 }", dot);
        Assert.Contains("{ -target | data -5.0000 | grad -7.4000 }", dot);
        Assert.Contains("label=\"**2\"", dot);
    }

    [Fact]
    public void AnExpressionGivesTheSameGradientsAsTheChapter()
    {
        string path = Path.Combine(_dir, "e.dot");
        (int code, string output, string error) = Run("graph", "(relu(w*x + b) - 5)^2", "--set", "w=0.5,x=2", "--set", "b=0.3", "--out", path);
        Assert.True(code == 0, error);
        string text = output.Replace("\r", "");
        Assert.Contains("w = 0.5    dL/dw = -14.8\n", text);
        Assert.Contains("b = 0.3    dL/db = -7.4\n", text);
        Assert.Contains("x = 2    dL/dx = -3.7\n", text);
        Assert.Contains("rankdir=LR", File.ReadAllText(path));
    }

    [GraphVizFact]
    public void WritesSvgWithGraphviz()
    {
        string path = Path.Combine(_dir, "chapter.svg");
        (int code, _, string error) = Run("graph", "--chapter", "--out", path);
        Assert.True(code == 0, error);
        Assert.Contains("<svg", File.ReadAllText(path));
    }

    [Fact]
    public void WithoutGraphvizItWritesDotAndSaysHowToInstallInOneLine()
    {
        GraphViz.DotProgramForTests = Path.Combine(_dir, "no-such-dot");
        try
        {
            string path = Path.Combine(_dir, "g.svg");
            (int code, _, string error) = Run("graph", "--chapter", "--out", path);
            Assert.Equal(CommandLine.Failed, code);
            Assert.Single(error.TrimEnd().Split('\n'));
            Assert.Contains("apt-get install graphviz", error);
            Assert.True(File.Exists(Path.Combine(_dir, "g.dot")));
            Assert.False(File.Exists(path));
        }
        finally
        {
            GraphViz.DotProgramForTests = null;
        }
    }

    [Theory]
    [InlineData(CommandLine.Usage, "syntax error at column 9: expected ')'", "graph", "(w*x + b", "--set", "w=1,x=2,b=3")]
    [InlineData(CommandLine.Usage, "no value for variables 'q', 'z'", "graph", "w*q + z", "--set", "w=1")]
    [InlineData(CommandLine.Usage, "--set: 'w0.5' is not NAME=NUMBER", "graph", "w", "--set", "w0.5")]
    [InlineData(CommandLine.Usage, "--set: 'abc' in 'w=abc' is not a number", "graph", "w", "--set", "w=abc")]
    [InlineData(CommandLine.Usage, "--set: 'w' is set twice", "graph", "w", "--set", "w=1,w=2")]
    [InlineData(CommandLine.Usage, "--set: 'y' does not appear", "graph", "w", "--set", "w=1,y=2")]
    [InlineData(CommandLine.Usage, "'.jpg'", "graph", "--chapter", "--out", "g.jpg")]
    [InlineData(CommandLine.Usage, "give an expression", "graph")]
    [InlineData(CommandLine.Usage, "not both", "graph", "x", "--chapter")]
    public void BadInputFailsWithOneLine(int expectedCode, string message, params string[] args)
    {
        string[] full = args.Contains("--out") ? args : [.. args, "--out", Path.Combine(_dir, "g.dot")];
        (int code, string output, string error) = Run(full);
        Assert.Equal(expectedCode, code);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.StartsWith("backprop: ", error);
        Assert.Contains(message, error);
        Assert.Empty(output);
        Assert.False(File.Exists(Path.Combine(_dir, "g.dot")));
    }
}
