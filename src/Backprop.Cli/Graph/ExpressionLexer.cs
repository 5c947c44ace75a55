using System.Globalization;

namespace Backprop.Cli.Graph;

/// <summary>Splits an expression into tokens, naming the column of any character it cannot read.</summary>
public static class ExpressionLexer
{
    /// <summary>The tokens of <paramref name="text"/>, ending with one <see cref="ExpressionTokenKind.End"/> token.</summary>
    /// <param name="text">The expression.</param>
    /// <exception cref="ExpressionSyntaxException">A character that is not part of any token, or a malformed number.</exception>
    public static List<ExpressionToken> Tokenize(string text)
    {
        var tokens = new List<ExpressionToken>();
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            int column = i + 1;
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1])))
            {
                int start = i;
                while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
                if (i < text.Length && text[i] == '.')
                {
                    i++;
                    while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
                }
                if (i < text.Length && text[i] is 'e' or 'E')
                {
                    int mark = i + 1;
                    if (mark < text.Length && text[mark] is '+' or '-') mark++;
                    if (mark < text.Length && char.IsAsciiDigit(text[mark]))
                    {
                        i = mark;
                        while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
                    }
                }
                string number = text[start..i];
                if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
                    throw new ExpressionSyntaxException($"'{number}' is not a number", column);
                tokens.Add(new ExpressionToken(ExpressionTokenKind.Number, number, column, value));
                continue;
            }
            if (char.IsAsciiLetter(c) || c == '_')
            {
                int start = i;
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_')) i++;
                tokens.Add(new ExpressionToken(ExpressionTokenKind.Name, text[start..i], column));
                continue;
            }
            if (c == '*' && i + 1 < text.Length && text[i + 1] == '*')
            {
                tokens.Add(new ExpressionToken(ExpressionTokenKind.Symbol, "**", column));
                i += 2;
                continue;
            }
            if (c is '+' or '-' or '*' or '/' or '^' or '(' or ')')
            {
                tokens.Add(new ExpressionToken(ExpressionTokenKind.Symbol, c.ToString(), column));
                i++;
                continue;
            }
            string shown = char.IsControl(c) ? $"U+{(int)c:X4}" : c.ToString();
            throw new ExpressionSyntaxException($"unexpected character '{shown}'", column);
        }
        tokens.Add(new ExpressionToken(ExpressionTokenKind.End, "", text.Length + 1));
        return tokens;
    }
}
