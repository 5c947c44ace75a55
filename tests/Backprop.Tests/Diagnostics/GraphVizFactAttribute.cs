namespace Backprop.Tests.Diagnostics;

/// <summary>A fact that runs Graphviz's <c>dot</c>: skipped, saying how to install it, where it is not on the PATH.</summary>
public sealed class GraphVizFactAttribute : FactAttribute
{
    /// <summary>Marks the test as skipped when <c>dot</c> is missing.</summary>
    public GraphVizFactAttribute()
    {
        if (GraphViz.FindDot() is null)
            Skip = "Graphviz's 'dot' is not on the PATH: install it (apt-get install graphviz) to run the rendering tests";
    }
}
