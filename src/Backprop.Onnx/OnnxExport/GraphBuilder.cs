using Backprop.OnnxExport.Proto;

namespace Backprop.OnnxExport;

/// <summary>
/// The ONNX graph being written: a name for every tensor (the input, parameters and buffers by
/// their module names, constants and intermediate values numbered), initializers, nodes, and
/// which values carry the batch as their first dimension (so that shapes written into the graph
/// stay dynamic in it).
/// </summary>
internal sealed class GraphBuilder
{
    private readonly Dictionary<Tensor, string> _names = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<Tensor> _batched = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<Tensor> _dependent = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<string> _used = [];
    private int _constants, _values, _nodes;

    /// <summary>Starts a graph whose input is <paramref name="input"/> (its first dimension the batch) and whose named tensors are <paramref name="named"/>.</summary>
    public GraphBuilder(Tensor input, string inputName, IEnumerable<(string Name, Tensor Tensor)> named)
    {
        Input = input;
        BatchSize = input.Rank == 0 ? -1 : input.Shape[0];
        _names[input] = inputName;
        _used.Add(inputName);
        _dependent.Add(input);
        if (input.Rank > 0) _batched.Add(input);
        foreach ((string name, Tensor tensor) in named)
        {
            if (_names.ContainsKey(tensor)) continue;
            _names[tensor] = name;
            _used.Add(name);
            Graph.Initializer.Add(TensorProtos.Initializer(name, tensor));
        }
    }

    /// <summary>The graph.</summary>
    public GraphProto Graph { get; } = new();

    /// <summary>The traced input.</summary>
    public Tensor Input { get; }

    /// <summary>The sample's batch size (its first dimension).</summary>
    public int BatchSize { get; }

    /// <summary>
    /// The name of <paramref name="tensor"/>'s value: given when an op made it or it is named;
    /// anything else is a constant the forward pass made, written as an initializer.
    /// </summary>
    public string NameOf(Tensor tensor)
    {
        if (_names.TryGetValue(tensor, out string? name)) return name;
        name = Fresh("constant", ref _constants);
        _names[tensor] = name;
        Graph.Initializer.Add(TensorProtos.Initializer(name, tensor));
        return name;
    }

    /// <summary>A fresh name for an op's output, recorded as <paramref name="tensor"/>'s.</summary>
    public string NameOutput(Tensor tensor, string name)
    {
        _names[tensor] = name;
        _used.Add(name);
        return name;
    }

    /// <summary>A fresh name for a value between the nodes of one op.</summary>
    public string Intermediate() => Fresh("value", ref _values);

    /// <summary>A 1-D Int64 constant (a shape, axes).</summary>
    public string Int64Constant(IReadOnlyList<long> values)
    {
        string name = Fresh("constant", ref _constants);
        Graph.Initializer.Add(TensorProtos.Int64s(name, values));
        return name;
    }

    /// <summary>Adds a node.</summary>
    public void Node(string opType, IEnumerable<string> inputs, string output, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = $"{opType}_{_nodes++}" };
        node.Input.Add(inputs);
        node.Output.Add(output);
        node.Attribute.Add(attributes);
        Graph.Node.Add(node);
    }

    /// <summary>Whether <paramref name="tensor"/>'s first dimension is the batch.</summary>
    public bool IsBatched(Tensor tensor) => _batched.Contains(tensor);

    /// <summary>Whether <paramref name="tensor"/>'s value depends on the graph's input (else it is a constant of the graph).</summary>
    public bool DependsOnInput(Tensor tensor) => _dependent.Contains(tensor);

    /// <summary>
    /// Marks an op's output as depending on the input when any of its inputs does, and as
    /// batched when, besides, its first dimension is the sample's batch size (so export with a
    /// batch size no other first dimension has: 3 is a good choice, 1 a poor one).
    /// </summary>
    public void Propagate(TracedOp op, IEnumerable<Tensor> reads)
    {
        if (!reads.Any(_dependent.Contains)) return;
        _dependent.Add(op.Output);
        if (op.Output.Rank > 0 && op.Output.Shape[0] == BatchSize) _batched.Add(op.Output);
    }

    /// <summary>A value-info (name, element type, shape) with the first dimension symbolic when batched.</summary>
    public ValueInfoProto ValueInfo(string name, Tensor tensor)
    {
        var shape = new TensorShapeProto();
        for (int i = 0; i < tensor.Rank; i++)
        {
            shape.Dim.Add(i == 0 && IsBatched(tensor)
                ? new TensorShapeProto.Types.Dimension { DimParam = "batch" }
                : new TensorShapeProto.Types.Dimension { DimValue = tensor.Shape[i] });
        }
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProtos.ElementType(tensor.DType), Shape = shape } },
        };
    }

    private string Fresh(string stem, ref int counter)
    {
        string name;
        do name = $"{stem}_{counter++}"; while (_used.Contains(name));
        _used.Add(name);
        return name;
    }
}
