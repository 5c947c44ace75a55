using System.Text;
using Backprop.NN;

namespace Backprop;

public static partial class GraphViz
{
    /// <summary>
    /// The autograd graph behind <paramref name="output"/> in DOT, drawn left to right as
    /// torchviz's <c>make_dot</c> does: leaves that require grad (parameters) light blue with their
    /// name and shape, each recorded op a grey node with the op's name and the shape it produced,
    /// and the output green. Leaves that do not require grad (data, constants) are white and dashed.
    /// </summary>
    /// <param name="output">The tensor to draw, usually a loss.</param>
    /// <param name="names">Names to show for tensors (parameters, named activations); looked up with the
    /// dictionary's own comparer, which for tensors is reference equality. <see langword="null"/> for none.</param>
    /// <param name="options">Cap and caption; <see langword="null"/> for the defaults.</param>
    /// <returns>The DOT text.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="output"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="GraphVizOptions.MaxNodes"/> is below 1.</exception>
    public static string ToDot(Tensor output, IReadOnlyDictionary<Tensor, string>? names = null, GraphVizOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        options ??= new GraphVizOptions();
        options.Validate();

        var walk = GraphVizWalk<Tensor>.From(output, tensor => tensor.GradFn?.Inputs ?? [], options.MaxNodes);
        (List<Tensor> order, Dictionary<Tensor, int> ids, bool cut) = (walk.Order, walk.Ids, walk.Cut);

        var dot = new StringBuilder(order.Count * 128);
        GraphVizText.Header(dot, "shape=box, style=filled, fontname=\"Helvetica\", fontsize=12, height=0.2", options.Title);
        var cutTargets = new List<string>();
        for (int i = 0; i < order.Count; i++)
        {
            Tensor tensor = order[i];
            string? name = names is not null && names.TryGetValue(tensor, out string? n) ? n : null;
            string shape = Describe(tensor);
            if (tensor.GradFn is { } fn)
            {
                string opLabel = (name is null || i == 0 ? "" : name + " = ") + fn.Name + "\n" + shape;
                dot.Append("  t").Append(i).Append(" [fillcolor=lightgrey, label=\"").Append(GraphVizText.Escape(opLabel)).Append("\"];\n");
                bool inputLeftOut = false;
                foreach (Tensor input in fn.Inputs)
                {
                    if (ids.TryGetValue(input, out int from)) dot.Append("  t").Append(from).Append(" -> t").Append(i).Append(";\n");
                    else inputLeftOut = true;
                }
                if (inputLeftOut) cutTargets.Add($"t{i}");
                if (i == 0)
                {
                    string outLabel = (name ?? "output") + "\n" + shape;
                    dot.Append("  output [fillcolor=darkolivegreen1, label=\"").Append(GraphVizText.Escape(outLabel)).Append("\"];\n");
                    dot.Append("  t0 -> output;\n");
                }
            }
            else
            {
                string label = name is null ? shape : name + "\n" + shape;
                string style = i == 0 ? "fillcolor=darkolivegreen1"
                    : tensor.RequiresGrad ? "fillcolor=lightblue"
                    : "fillcolor=white, style=\"filled,dashed\"";
                dot.Append("  t").Append(i).Append(" [").Append(style).Append(", label=\"").Append(GraphVizText.Escape(label)).Append("\"];\n");
            }
        }
        if (cut)
        {
            int total = CountTensors(output);
            GraphVizText.Omitted(dot, total - order.Count, total, options.MaxNodes, "tensors", cutTargets);
        }
        dot.Append("}\n");
        return dot.ToString();
    }

    /// <summary>
    /// The autograd graph behind <paramref name="output"/>, with the parameters of
    /// <paramref name="module"/> named as <see cref="Module.NamedParameters"/> names them
    /// (<c>layers.0.weight</c>, …). See <see cref="ToDot(Tensor, IReadOnlyDictionary{Tensor, string}?, GraphVizOptions?)"/>.
    /// </summary>
    /// <param name="output">The tensor to draw, usually a loss.</param>
    /// <param name="module">The model whose parameters to name.</param>
    /// <param name="options">Cap and caption; <see langword="null"/> for the defaults.</param>
    /// <returns>The DOT text.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="output"/> or <paramref name="module"/> is null.</exception>
    public static string ToDot(Tensor output, Module module, GraphVizOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        var names = new Dictionary<Tensor, string>(ReferenceEqualityComparer.Instance);
        foreach ((string name, Parameter parameter) in module.NamedParameters()) names.TryAdd(parameter, name);
        return ToDot(output, names, options);
    }

    /// <summary>The shape, e.g. <c>[128,10]</c>, with the dtype when it is not float32.</summary>
    private static string Describe(Tensor tensor)
    {
        string shape = ShapeMath.Format(tensor.ShapeArray);
        return tensor.DType == DType.Float32 ? shape : $"{shape} {tensor.DType}";
    }

    /// <summary>How many tensors the whole graph holds (only asked when it is cut).</summary>
    private static int CountTensors(Tensor output)
    {
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance) { output };
        var stack = new Stack<Tensor>();
        stack.Push(output);
        while (stack.TryPop(out Tensor? tensor))
        {
            if (tensor.GradFn is not { } fn) continue;
            foreach (Tensor input in fn.Inputs)
            {
                if (seen.Add(input)) stack.Push(input);
            }
        }
        return seen.Count;
    }
}
