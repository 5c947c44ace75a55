namespace Backprop.Cli.Graph;

/// <summary>An expression read by <see cref="ExpressionParser"/> and built as a <see cref="Value"/> graph.</summary>
/// <param name="Output">The expression's value: the root of the graph (a leaf when the expression is a lone number or variable).</param>
/// <param name="Variables">One labelled leaf per variable, in order of first appearance; a variable used twice is one leaf.</param>
/// <param name="Unknown">Names of variables that had no value (their leaves hold NaN), in order of first appearance.</param>
public sealed record ParsedExpression(Value Output, IReadOnlyList<Value> Variables, IReadOnlyList<string> Unknown);
