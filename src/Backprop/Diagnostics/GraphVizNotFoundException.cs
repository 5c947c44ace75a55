namespace Backprop;

/// <summary>
/// Graphviz's <c>dot</c> program is not on the PATH, so DOT text cannot be rendered. The message
/// says how to install it.
/// </summary>
public sealed class GraphVizNotFoundException : InvalidOperationException
{
    /// <summary>The install hint, shared by the exception and by callers that print it.</summary>
    public const string InstallHint = "install Graphviz (Debian/Ubuntu: apt-get install graphviz; macOS: brew install graphviz; others: https://graphviz.org/download/)";

    /// <summary>Creates the exception for a render to <paramref name="outputPath"/>.</summary>
    /// <param name="outputPath">The file that could not be drawn.</param>
    public GraphVizNotFoundException(string outputPath)
        : base($"cannot render '{outputPath}': Graphviz's 'dot' program is not on the PATH; {InstallHint}")
    {
        OutputPath = outputPath;
    }

    /// <summary>The file that could not be drawn.</summary>
    public string OutputPath { get; }
}
