using System.Globalization;

namespace Backprop.Cli.Graph;

/// <summary>
/// Reads an arithmetic expression such as <c>(relu(w*x + b) - 5)^2</c> and builds it with
/// <see cref="Value"/>, so that it can be differentiated and drawn.
/// </summary>
/// <remarks>
/// <para>
/// Grammar (precedence as in Python: <c>^</c> binds tighter than unary minus, so <c>-2^2</c> is
/// -4, and is right-associative, so <c>2^3^2</c> is 512):
/// </para>
/// <code>
/// expression := term (('+' | '-') term)*
/// term       := factor (('*' | '/') factor)*
/// factor     := ('-' | '+') factor | power
/// power      := primary (('^' | '**') factor)?
/// primary    := number | variable | function '(' expression ')' | '(' expression ')'
/// function   := exp | log | tanh | sigmoid | relu
/// </code>
/// <para>
/// The parser is recursive descent, evaluating as it reads: sums and products loop rather than
/// recurse, and nesting (parentheses, unary minus, exponents) is capped at
/// <see cref="MaxDepth"/> levels, so no input can overflow the stack. Variables become labelled
/// leaves (one per name, however often it is used); numbers are constants folded into the ops
/// (<c>x * 2</c> is one node, <c>*2</c>); a part made only of numbers is computed at once. Each
/// node an operator makes is labelled with its source text (shortened when long). An exponent
/// must be a constant, since <see cref="Value.Pow"/> takes a number.
/// </para>
/// </remarks>
public sealed class ExpressionParser
{
    /// <summary>The deepest nesting of parentheses, unary signs and exponents accepted.</summary>
    public const int MaxDepth = 200;

    /// <summary>Labels longer than this are shortened with an ellipsis.</summary>
    private const int MaxLabelLength = 32;

    /// <summary>The functions an expression may call, by name.</summary>
    public static readonly IReadOnlyDictionary<string, Func<Value, Value>> Functions = new Dictionary<string, Func<Value, Value>>
    {
        ["exp"] = v => v.Exp(),
        ["log"] = v => v.Log(),
        ["tanh"] = v => v.Tanh(),
        ["sigmoid"] = v => v.Sigmoid(),
        ["relu"] = v => v.Relu(),
    };

    private readonly string _text;
    private readonly List<ExpressionToken> _tokens;
    private readonly IReadOnlyDictionary<string, double> _values;
    private readonly Dictionary<string, Value> _leaves = new(StringComparer.Ordinal);
    private readonly List<Value> _variables = [];
    private readonly List<string> _unknown = [];
    private int _position;
    private int _depth;

    private ExpressionParser(string text, IReadOnlyDictionary<string, double> values)
    {
        _text = text;
        _values = values;
        _tokens = ExpressionLexer.Tokenize(text);
    }

    /// <summary>
    /// Reads <paramref name="text"/> and builds it as a graph of <see cref="Value"/> nodes, taking
    /// each variable's number from <paramref name="values"/>.
    /// </summary>
    /// <param name="text">The expression.</param>
    /// <param name="values">A number for each variable. A variable without one is listed in
    /// <see cref="ParsedExpression.Unknown"/> (and holds NaN) rather than failing, so that a caller can name them all.</param>
    /// <returns>The graph, its variables, and the variables that had no value.</returns>
    /// <exception cref="ExpressionSyntaxException">The text is not an expression; the message names the column.</exception>
    public static ParsedExpression Parse(string text, IReadOnlyDictionary<string, double> values)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(values);
        var parser = new ExpressionParser(text, values);
        Operand result = parser.ParseExpression();
        ExpressionToken next = parser.Peek;
        if (next.Kind != ExpressionTokenKind.End)
        {
            string hint = next.Is(")") ? "unmatched ')'" : $"unexpected {next.Describe()} (missing an operator?)";
            throw new ExpressionSyntaxException(hint, next.Column);
        }
        Value output = result.Node ?? new Value(result.Constant, Shorten(text.Trim()));
        return new ParsedExpression(output, parser._variables, parser._unknown);
    }

    /// <summary>Whether <paramref name="name"/> can be a variable: a letter or '_', then letters, digits or '_', and not a function name.</summary>
    /// <param name="name">The candidate.</param>
    public static bool IsVariableName(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_')
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') && !Functions.ContainsKey(name);

    // ---- grammar --------------------------------------------------------------------------

    private Operand ParseExpression()
    {
        int start = Peek.Column;
        Operand left = ParseTerm();
        while (Peek.Is("+") || Peek.Is("-"))
        {
            bool plus = Next().Is("+");
            Operand right = ParseTerm();
            left = Label(plus ? Add(left, right) : Subtract(left, right), start);
        }
        return left;
    }

    private Operand ParseTerm()
    {
        int start = Peek.Column;
        Operand left = ParseFactor();
        while (Peek.Is("*") || Peek.Is("/"))
        {
            bool times = Next().Is("*");
            Operand right = ParseFactor();
            left = Label(times ? Multiply(left, right) : Divide(left, right), start);
        }
        return left;
    }

    private Operand ParseFactor()
    {
        int start = Peek.Column;
        if (++_depth > MaxDepth)
            throw new ExpressionSyntaxException($"expression nested too deeply (more than {MaxDepth} levels of parentheses, signs and exponents)", start);
        Operand result;
        if (Peek.Is("-"))
        {
            Next();
            Operand operand = ParseFactor();
            result = Label(operand.Node is { } node ? new Operand(-node) : new Operand(-operand.Constant), start);
        }
        else if (Peek.Is("+"))
        {
            Next();
            result = ParseFactor();
        }
        else
        {
            result = ParsePower();
        }
        _depth--;
        return result;
    }

    private Operand ParsePower()
    {
        int start = Peek.Column;
        Operand @base = ParsePrimary();
        if (!Peek.Is("^")) return @base;
        Next();
        int exponentColumn = Peek.Column;
        Operand exponent = ParseFactor();
        if (exponent.Node is not null)
            throw new ExpressionSyntaxException("the exponent must be a constant number (Value.Pow takes a number, not a variable)", exponentColumn);
        return Label(@base.Node is { } node
            ? new Operand(node.Pow(exponent.Constant))
            : new Operand(new Value(@base.Constant).Pow(exponent.Constant).Data), start);
    }

    private Operand ParsePrimary()
    {
        ExpressionToken token = Next();
        switch (token.Kind)
        {
            case ExpressionTokenKind.Number:
                return new Operand(token.Number);
            case ExpressionTokenKind.Name when Functions.TryGetValue(token.Text, out Func<Value, Value>? function):
            {
                Expect("(", $"expected '(' after the function '{token.Text}'");
                Operand argument = ParseExpression();
                Expect(")", "expected ')'");
                Operand result = argument.Node is { } node
                    ? new Operand(function(node))
                    : new Operand(function(new Value(argument.Constant)).Data);
                return Label(result, token.Column);
            }
            case ExpressionTokenKind.Name when Peek.Is("("):
                throw new ExpressionSyntaxException(
                    $"unknown function '{token.Text}' (known: {string.Join(", ", Functions.Keys)})", token.Column);
            case ExpressionTokenKind.Name:
                return new Operand(Variable(token.Text));
            case ExpressionTokenKind.Symbol when token.Is("("):
            {
                Operand inner = ParseExpression();
                Expect(")", "expected ')'");
                return inner;
            }
            default:
                throw new ExpressionSyntaxException($"expected a number, a variable, a function or '(', found {token.Describe()}", token.Column);
        }
    }

    // ---- helpers -----------------------------------------------------------------------------

    private ExpressionToken Peek => _tokens[_position];

    private ExpressionToken Next()
    {
        ExpressionToken token = _tokens[_position];
        if (token.Kind != ExpressionTokenKind.End) _position++;
        return token;
    }

    private void Expect(string symbol, string message)
    {
        if (!Peek.Is(symbol)) throw new ExpressionSyntaxException($"{message}, found {Peek.Describe()}", Peek.Column);
        Next();
    }

    /// <summary>The leaf for a variable: made, labelled and recorded the first time the name is seen.</summary>
    private Value Variable(string name)
    {
        if (_leaves.TryGetValue(name, out Value? leaf)) return leaf;
        bool known = _values.TryGetValue(name, out double number);
        leaf = new Value(known ? number : double.NaN, name);
        _leaves[name] = leaf;
        _variables.Add(leaf);
        if (!known) _unknown.Add(name);
        return leaf;
    }

    /// <summary>Labels a node an operator just made with the source text from <paramref name="startColumn"/> to the last token read.</summary>
    private Operand Label(Operand operand, int startColumn)
    {
        if (operand.Node is { Label: null } node && node.Op.Length > 0)
        {
            int end = _tokens[_position - 1].End;
            node.Label = Shorten(_text.AsSpan((startColumn - 1)..end));
        }
        return operand;
    }

    /// <summary>
    /// Whitespace collapsed to single spaces, and at most <see cref="MaxLabelLength"/> characters.
    /// It reads only as far as the label needs: a long sum labels each of its partial sums from the
    /// same start, and reading each to its end would make parsing quadratic in the text's length.
    /// </summary>
    private static string Shorten(ReadOnlySpan<char> text)
    {
        Span<char> compact = stackalloc char[MaxLabelLength + 1];
        int length = 0;
        bool space = false;
        foreach (char c in text.Trim())
        {
            if (char.IsWhiteSpace(c))
            {
                space = true;
                continue;
            }
            if (space && length < compact.Length) compact[length++] = ' ';
            space = false;
            if (length == compact.Length) break;
            compact[length++] = c;
        }
        return length <= MaxLabelLength ? new string(compact[..length]) : new string(compact[..(MaxLabelLength - 1)]) + "…";
    }

    private static Operand Add(Operand a, Operand b) => Combine(a, b, (x, y) => x + y, (x, k) => x + k, (k, y) => k + y);

    private static Operand Subtract(Operand a, Operand b) => Combine(a, b, (x, y) => x - y, (x, k) => x - k, (k, y) => k - y);

    private static Operand Multiply(Operand a, Operand b) => Combine(a, b, (x, y) => x * y, (x, k) => x * k, (k, y) => k * y);

    private static Operand Divide(Operand a, Operand b) => Combine(a, b, (x, y) => x / y, (x, k) => x / k, (k, y) => k / y);

    /// <summary>
    /// A binary operator on two operands: node with node, node with constant (the constant folded
    /// into the op, as <see cref="Value"/>'s double overloads do), or two constants computed at
    /// once with the same arithmetic as the nodes.
    /// </summary>
    private static Operand Combine(Operand a, Operand b, Func<Value, Value, Value> nodes,
        Func<Value, double, Value> nodeConstant, Func<double, Value, Value> constantNode)
    {
        return (a.Node, b.Node) switch
        {
            ({ } x, { } y) => new Operand(nodes(x, y)),
            ({ } x, null) => new Operand(nodeConstant(x, b.Constant)),
            (null, { } y) => new Operand(constantNode(a.Constant, y)),
            _ => new Operand(nodes(new Value(a.Constant), new Value(b.Constant)).Data),
        };
    }

    /// <summary>A sub-expression's result: a node of the graph, or a constant (when it has no variables).</summary>
    private readonly struct Operand
    {
        public Operand(Value node) { Node = node; }

        public Operand(double constant) { Constant = constant; }

        public Value? Node { get; }

        public double Constant { get; }

        public override string ToString() => Node?.ToString() ?? Constant.ToString("R", CultureInfo.InvariantCulture);
    }
}
