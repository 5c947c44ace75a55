using Backprop.IO;
using Backprop.NN;
using Backprop.OnnxExport;
using Backprop.OnnxExport.Proto;
using Google.Protobuf;

namespace Backprop;

/// <summary>
/// ONNX export: runs one forward pass of a module on a sample input with the tensor graph's
/// trace on, and writes the ops it recorded as an ONNX model (opset 17, IR version 8) that
/// ONNX Runtime and other tools can run.
/// </summary>
/// <remarks>
/// The module runs in evaluation mode for the trace (dropout is the identity, batch
/// normalisation uses its running statistics) and is returned to the modes its layers had. The
/// graph has one input, <c>input</c>, whose first dimension is symbolic (<c>batch</c>), and one
/// output, <c>output</c>; parameters and buffers are initializers under the names
/// <see cref="Module.NamedParameters"/> and <see cref="Module.NamedBuffers"/> give them. Shapes
/// written into the graph (Reshape targets) keep the batch dynamic: a dimension equal to the
/// sample's batch size, derived from the input, is taken for the batch, so export with a batch
/// size no other dimension has (3, say; not 1). An op with no ONNX form fails the export with a
/// <see cref="NotSupportedException"/> naming it. See docs/onnx.md for the table of ops.
/// </remarks>
public static class Onnx
{
    /// <summary>The ONNX operator set the exported models use.</summary>
    public const int OpsetVersion = 17;

    /// <summary>The ONNX IR version the exported models declare.</summary>
    public const int IrVersion = 8;

    /// <summary>Exports <paramref name="module"/> to an ONNX file, written atomically (a temporary file, then a rename).</summary>
    /// <param name="module">The model.</param>
    /// <param name="sampleInput">An input of the shape and type the model takes; its first dimension is the batch.</param>
    /// <param name="path">The .onnx file to write.</param>
    /// <exception cref="NotSupportedException">The forward pass used an op with no ONNX mapping (the message names it), or moved the batch dimension where a dynamic batch cannot follow.</exception>
    public static void Export(Module module, Tensor sampleInput, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ModelProto model = ToModel(module, sampleInput);
        AtomicFile.Write(path, model.WriteTo);
    }

    /// <summary>Exports <paramref name="module"/> as ONNX to <paramref name="stream"/>.</summary>
    /// <param name="module">The model.</param>
    /// <param name="sampleInput">An input of the shape and type the model takes; its first dimension is the batch.</param>
    /// <param name="stream">Where the model's bytes go.</param>
    /// <exception cref="NotSupportedException">The forward pass used an op with no ONNX mapping (the message names it).</exception>
    public static void Export(Module module, Tensor sampleInput, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ToModel(module, sampleInput).WriteTo(stream);
    }

    /// <summary>The names of the traced ops that have an ONNX mapping (as ops are named in errors and graph drawings).</summary>
    public static IReadOnlyList<string> MappedOps => OpMappings.Mapped;

    private static ModelProto ToModel(Module module, Tensor sampleInput)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(sampleInput);
        (Tensor output, GraphTrace trace) = Tracer.Run(module, sampleInput);
        var named = module.NamedParameters().Select(p => (p.Name, (Tensor)p.Parameter)).Concat(module.NamedBuffers());
        var graph = new GraphBuilder(sampleInput, "input", named);
        graph.Graph.Name = module.GetType().Name;

        foreach (TracedOp op in Tracer.Reachable(trace, output, sampleInput))
        {
            graph.Propagate(op, OpMappings.Reads(op));
            string[] inputs = [.. op.Inputs.Select(graph.NameOf)];
            string name = graph.NameOutput(op.Output, ReferenceEquals(op.Output, output) ? "output" : graph.Intermediate());
            OpMappings.Write(graph, op, inputs, name);
        }
        if (trace.Producer(output) is null)
            graph.Node("Identity", [graph.NameOf(output)], "output"); // the module returned its input (or a constant) as it was

        graph.Graph.Input.Add(graph.ValueInfo("input", sampleInput));
        graph.Graph.Output.Add(graph.ValueInfo("output", output));
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "Backprop",
            // The assembly version, not the informational one (which may carry a commit hash): the same model gives the same bytes.
            ProducerVersion = typeof(Onnx).Assembly.GetName().Version?.ToString(3) ?? "0",
            Graph = graph.Graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OpsetVersion });
        return model;
    }
}
