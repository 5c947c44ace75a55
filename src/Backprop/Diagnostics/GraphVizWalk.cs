namespace Backprop;

/// <summary>
/// The nodes a drawing shows: breadth first from the output, so that a graph cut at the node
/// cap keeps the nodes nearest the output. Iterative; each node once.
/// </summary>
/// <typeparam name="TNode">Value or Tensor.</typeparam>
internal sealed class GraphVizWalk<TNode> where TNode : class
{
    private GraphVizWalk(List<TNode> order, Dictionary<TNode, int> ids, bool cut)
    {
        Order = order;
        Ids = ids;
        Cut = cut;
    }

    /// <summary>The nodes drawn, output first; a node's position is its id.</summary>
    public List<TNode> Order { get; }

    /// <summary>Each drawn node's id.</summary>
    public Dictionary<TNode, int> Ids { get; }

    /// <summary>Whether nodes were left out at the cap.</summary>
    public bool Cut { get; }

    /// <summary>Walks from <paramref name="output"/> through <paramref name="inputs"/>, keeping at most <paramref name="maxNodes"/> nodes.</summary>
    public static GraphVizWalk<TNode> From(TNode output, Func<TNode, IEnumerable<TNode>> inputs, int maxNodes)
    {
        var ids = new Dictionary<TNode, int>() { [output] = 0 };
        var order = new List<TNode> { output };
        var queue = new Queue<TNode>();
        queue.Enqueue(output);
        bool cut = false;
        while (queue.TryDequeue(out TNode? node))
        {
            foreach (TNode input in inputs(node))
            {
                if (ids.ContainsKey(input)) continue;
                if (order.Count >= maxNodes) { cut = true; continue; }
                ids[input] = order.Count;
                order.Add(input);
                queue.Enqueue(input);
            }
        }
        return new GraphVizWalk<TNode>(order, ids, cut);
    }
}
