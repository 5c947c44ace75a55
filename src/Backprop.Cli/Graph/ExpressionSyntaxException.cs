namespace Backprop.Cli.Graph;

/// <summary>
/// An expression given to <c>backprop graph</c> could not be read. The message is one line that
/// names the column, e.g. <c>syntax error at column 7: expected ')', found end of expression</c>.
/// </summary>
public sealed class ExpressionSyntaxException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="detail">What was wrong, without the column.</param>
    /// <param name="column">Where, counted from 1 (one past the end for a premature end).</param>
    public ExpressionSyntaxException(string detail, int column)
        : base($"syntax error at column {column}: {detail}")
    {
        Detail = detail;
        Column = column;
    }

    /// <summary>What was wrong, without the column.</summary>
    public string Detail { get; }

    /// <summary>The column of the problem, counted from 1.</summary>
    public int Column { get; }
}
