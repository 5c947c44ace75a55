using System.Text;

namespace Backprop;

/// <summary>
/// Draws computation graphs as Graphviz DOT text, and renders DOT to SVG, PNG or PDF with the
/// <c>dot</c> program: <see cref="Value"/> graphs as micrograd's <c>draw_dot</c> does, tensor
/// graphs as torchviz's <c>make_dot</c> does.
/// </summary>
/// <remarks>
/// Every walk is breadth first from the output with an explicit queue, never recursion, so a
/// chain of a million nodes can be drawn (cut to <see cref="GraphVizOptions.MaxNodes"/>). Each
/// graph node appears once however many times it is used; labels are escaped for DOT.
/// </remarks>
public static partial class GraphViz
{
    /// <summary>
    /// The graph behind <paramref name="output"/> in DOT, drawn left to right like micrograd's
    /// <c>draw_dot</c>: a record per value showing <c>label | data 1.3000 | grad -7.4000</c>
    /// (the label part only when the value has one), and for each value computed by an op a small
    /// ellipse with the op's name (<c>+</c>, <c>*</c>, <c>**2</c>, <c>ReLU</c>, …) between its inputs
    /// and the value.
    /// </summary>
    /// <param name="output">The value to draw, usually a loss.</param>
    /// <param name="options">Cap and caption; <see langword="null"/> for the defaults.</param>
    /// <returns>The DOT text, ready for <see cref="Render"/> or the <c>dot</c> program.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="output"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="GraphVizOptions.MaxNodes"/> is below 1.</exception>
    public static string ToDot(Value output, GraphVizOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        options ??= new GraphVizOptions();
        options.Validate();

        // Breadth first, so that a cut graph keeps the nodes nearest the output.
        var walk = GraphVizWalk<Value>.From(output, node => node.Inputs, options.MaxNodes);
        (List<Value> order, Dictionary<Value, int> ids, bool cut) = (walk.Order, walk.Ids, walk.Cut);

        var dot = new StringBuilder(order.Count * 128);
        GraphVizText.Header(dot, "shape=record, fontname=\"Helvetica\"", options.Title);
        var cutTargets = new List<string>();
        for (int i = 0; i < order.Count; i++)
        {
            Value node = order[i];
            string? label = node.Label;
            dot.Append("  v").Append(i).Append(" [label=\"{ ");
            if (label is not null) dot.Append(GraphVizText.Escape(label, record: true)).Append(" | ");
            dot.Append("data ").Append(GraphVizText.Number(node.Data))
               .Append(" | grad ").Append(GraphVizText.Number(node.Grad)).Append(" }\"];\n");
            if (node.Op.Length == 0) continue;

            dot.Append("  v").Append(i).Append("op [shape=ellipse, label=\"").Append(GraphVizText.Escape(node.Op)).Append("\"];\n");
            dot.Append("  v").Append(i).Append("op -> v").Append(i).Append(";\n");
            bool inputLeftOut = false;
            foreach (Value input in node.Inputs)
            {
                if (ids.TryGetValue(input, out int from)) dot.Append("  v").Append(from).Append(" -> v").Append(i).Append("op;\n");
                else inputLeftOut = true;
            }
            if (inputLeftOut) cutTargets.Add($"v{i}op");
        }
        if (cut)
        {
            int total = ValueGraph.Nodes(output).Count;
            GraphVizText.Omitted(dot, total - order.Count, total, options.MaxNodes, "values", cutTargets);
        }
        dot.Append("}\n");
        return dot.ToString();
    }
}
