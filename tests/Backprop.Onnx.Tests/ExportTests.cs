using Backprop.NN;
using Google.Protobuf;
using Backprop.OnnxExport.Proto;
using Backprop.OnnxTests.Support;
using Backprop.Random;

namespace Backprop.OnnxTests;

/// <summary>The exported model's form (opset, IR, names, the dynamic batch) and the export's errors.</summary>
public sealed class ExportTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("backprop-onnx-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Mlp SmallMlp() => new([6, 8, 8, 3], ActivationKind.Tanh, new NumpyRandom(5), dropout: 0.25);

    [Fact]
    public void TheModelDeclaresOpset17IrVersion8AndASymbolicBatch()
    {
        ModelProto model = ModelProto.Parser.ParseFrom(Exported.Bytes(SmallMlp(), Tensor.Zeros(3, 6)));
        Assert.Equal(8, model.IrVersion);
        OperatorSetIdProto opset = Assert.Single(model.OpsetImport);
        Assert.Equal(("", 17L), (opset.Domain, opset.Version));
        ValueInfoProto input = Assert.Single(model.Graph.Input);
        ValueInfoProto output = Assert.Single(model.Graph.Output);
        Assert.Equal(("input", "output"), (input.Name, output.Name));
        Assert.Equal(["batch", "6"], input.Type.TensorType.Shape.Dim.Select(d => d.DimParam.Length > 0 ? d.DimParam : d.DimValue.ToString()));
        Assert.Equal(["batch", "3"], output.Type.TensorType.Shape.Dim.Select(d => d.DimParam.Length > 0 ? d.DimParam : d.DimValue.ToString()));
        Assert.Equal((int)TensorProto.Types.DataType.Float, input.Type.TensorType.ElemType);
        // Three Gemms and two Tanhs: dropout in evaluation is the identity, and writes no node.
        Assert.Equal(["Gemm", "Tanh", "Gemm", "Tanh", "Gemm"], model.Graph.Node.Select(n => n.OpType));
    }

    [Fact]
    public void InitializersAreTheModulesParametersAndBuffersUnderTheirNames()
    {
        var cnn = new Cnn(8, [2, 3], 4, new NumpyRandom(2));
        ModelProto model = ModelProto.Parser.ParseFrom(Exported.Bytes(cnn, Tensor.Zeros(3, 64)));
        string[] expected = [.. cnn.NamedParameters().Select(p => p.Name), .. cnn.NamedBuffers().Where(b => b.Name.EndsWith("running_mean") || b.Name.EndsWith("running_var")).Select(b => b.Name)];
        Assert.Contains("1.weight", expected);
        Assert.Contains("2.running_var", expected);
        string[] names = [.. model.Graph.Initializer.Select(i => i.Name)];
        foreach (string name in expected) Assert.Contains(name, names);
        // And their values: the first convolution's weight, bit for bit.
        TensorProto weight = model.Graph.Initializer.Single(i => i.Name == "1.weight");
        Assert.Equal([2L, 1, 3, 3], weight.Dims);
        float[] values = new float[18];
        Buffer.BlockCopy(weight.RawData.ToByteArray(), 0, values, 0, 72);
        Assert.Equal(cnn.NamedParameters().Single(p => p.Name == "1.weight").Parameter.ToArray<float>(), values);
    }

    [Fact]
    public void AModelExportedOnABatchOf3RunsOnABatchOf7()
    {
        Mlp mlp = SmallMlp();
        byte[] bytes = Exported.Bytes(mlp, Tensor.Randn(new NumpyRandom(1), 3, 6));
        Tensor seven = Tensor.Randn(new NumpyRandom(2), 7, 6);
        (float[] values, long[] shape) = OrtRun.Run(bytes, seven);
        Assert.Equal([7L, 3], shape);
        Assert.True(OrtRun.MaxDifference(Exported.Engine(mlp, seven), (values, shape)) <= Exported.Tolerance);
    }

    [Fact]
    public void AnOpWithNoMappingFailsTheExportNamingIt()
    {
        var module = new TestModule((_, x) => x.Clamp(-1, 1));
        var e = Assert.Throws<NotSupportedException>(() => Exported.Bytes(module, Tensor.Zeros(3, 4)));
        Assert.StartsWith("Onnx.Export: the op 'Clamp' (output [3,4]) has no ONNX mapping; mapped ops: ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void AReshapeThatFoldsTheBatchIntoAnotherDimensionFails()
    {
        var module = new TestModule((_, x) => x.Reshape(2, -1));
        var e = Assert.Throws<NotSupportedException>(() => Exported.Bytes(module, Tensor.Zeros(3, 4)));
        Assert.Equal("Onnx.Export: Reshape from [3,4] to [2,6] mixes the batch dimension (the sample's first, 3) into others; a graph with a dynamic batch cannot hold it", e.Message);
    }

    [Fact]
    public void TheExportLeavesEachLayersModeAsItWas()
    {
        Mlp mlp = SmallMlp();
        mlp.Train();
        mlp.NamedModules().Single(m => m.Name == "1").Module.Eval(); // one layer in evaluation, the rest training
        Exported.Bytes(mlp, Tensor.Zeros(3, 6));
        Assert.Equal([true, true, false, true, true, true, true, true], mlp.NamedModules().Select(m => m.Module.IsTraining));
    }

    [Fact]
    public void AModelThatReturnsItsInputIsAnIdentity()
    {
        var module = new TestModule((_, x) => x);
        ModelProto model = ModelProto.Parser.ParseFrom(Exported.Bytes(module, Tensor.Zeros(3, 4)));
        Assert.Equal("Identity", Assert.Single(model.Graph.Node).OpType);
        Tensor x = Tensor.Randn(new NumpyRandom(4), 2, 4);
        Assert.Equal(0, OrtRun.MaxDifference(x, OrtRun.Run(model.ToByteArray(), x)));
    }

    [Fact]
    public void ExportToAFileReplacesItAtomically()
    {
        string path = Path.Combine(_dir, "model.onnx");
        File.WriteAllText(path, "not a model");
        Mlp mlp = SmallMlp();
        Onnx.Export(mlp, Tensor.Zeros(3, 6), path);
        Assert.Equal(Exported.Bytes(mlp, Tensor.Zeros(3, 6)), File.ReadAllBytes(path)); // deterministic, too
        Assert.Equal(["model.onnx"], Directory.GetFiles(_dir).Select(Path.GetFileName));
    }
}
