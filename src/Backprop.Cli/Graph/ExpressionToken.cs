namespace Backprop.Cli.Graph;

/// <summary>The kinds of token in an expression.</summary>
public enum ExpressionTokenKind
{
    /// <summary>A number such as <c>2</c>, <c>0.5</c> or <c>1e-3</c>.</summary>
    Number,

    /// <summary>A variable or function name.</summary>
    Name,

    /// <summary>One of <c>+ - * / ^ ** ( )</c>; <c>**</c> means the same as <c>^</c>.</summary>
    Symbol,

    /// <summary>The end of the expression.</summary>
    End,
}

/// <summary>One token of an expression.</summary>
/// <param name="Kind">What it is.</param>
/// <param name="Text">Its text as written (empty at the end).</param>
/// <param name="Column">Where it starts, counted from 1.</param>
/// <param name="Number">Its value, for a number.</param>
public readonly record struct ExpressionToken(ExpressionTokenKind Kind, string Text, int Column, double Number = 0)
{
    /// <summary>The token as an error message shows it: quoted text, or "end of expression".</summary>
    public string Describe() => Kind == ExpressionTokenKind.End ? "end of expression" : $"'{Text}'";

    /// <summary>Whether this is the symbol <paramref name="symbol"/> (<c>^</c> also matches <c>**</c>).</summary>
    /// <param name="symbol">One of <c>+ - * / ^ ( )</c>.</param>
    public bool Is(string symbol) =>
        Kind == ExpressionTokenKind.Symbol && (Text == symbol || (symbol == "^" && Text == "**"));

    /// <summary>The index just past this token in the expression's text.</summary>
    public int End => Column - 1 + Text.Length;
}
