using System.Globalization;
using Backprop.Cli.Commands;

namespace Backprop.Cli.Graph;

/// <summary>Reads <c>--set w=0.5,x=2,b=0.3</c> (the option may be repeated) into numbers by variable name.</summary>
public static class VariableAssignments
{
    /// <summary>The assignments in <paramref name="arguments"/>, each a comma-separated list of <c>NAME=NUMBER</c>.</summary>
    /// <param name="arguments">The values given to <c>--set</c>.</param>
    /// <returns>The number for each name.</returns>
    /// <exception cref="UsageException">An assignment is malformed, a name is not a variable name, a number does
    /// not parse, or a name is set twice; the message quotes it.</exception>
    public static Dictionary<string, double> Parse(IEnumerable<string> arguments)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (string argument in arguments)
        {
            foreach (string part in argument.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                int equals = part.IndexOf('=');
                if (equals < 0) throw new UsageException($"--set: '{part}' is not NAME=NUMBER (e.g. --set w=0.5,x=2)");
                string name = part[..equals].Trim();
                string number = part[(equals + 1)..].Trim();
                if (!ExpressionParser.IsVariableName(name))
                    throw new UsageException($"--set: '{name}' in '{part}' is not a variable name (a letter or '_', then letters, digits or '_'; not a function name)");
                if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
                    throw new UsageException($"--set: '{number}' in '{part}' is not a number");
                if (!values.TryAdd(name, value)) throw new UsageException($"--set: '{name}' is set twice");
            }
        }
        return values;
    }
}
