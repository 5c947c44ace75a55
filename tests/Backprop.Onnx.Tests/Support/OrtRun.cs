using Microsoft.ML.OnnxRuntime;

namespace Backprop.OnnxTests.Support;

/// <summary>Runs an exported model in ONNX Runtime (the reference this project's export is checked against).</summary>
public static class OrtRun
{
    /// <summary>The model's output for <paramref name="input"/>: its values (as float) and shape.</summary>
    public static (float[] Values, long[] Shape) Run(byte[] model, Tensor input)
    {
        using var session = new InferenceSession(model);
        long[] shape = [.. input.Shape.Select(d => (long)d)];
        using OrtValue value = input.DType switch
        {
            DType.Float32 => OrtValue.CreateTensorValueFromMemory(input.ToArray<float>(), shape),
            DType.Int64 => OrtValue.CreateTensorValueFromMemory(input.ToArray<long>(), shape),
            _ => throw new ArgumentException($"OrtRun: {input.DType} inputs are not used by these tests"),
        };
        using var options = new RunOptions();
        using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(options, ["input"], [value], ["output"]);
        OrtValue output = outputs[0];
        return (output.GetTensorDataAsSpan<float>().ToArray(), output.GetTensorTypeAndShape().Shape);
    }

    /// <summary>The largest |engine - ORT| over the output, after checking the shapes agree.</summary>
    public static double MaxDifference(Tensor engine, (float[] Values, long[] Shape) ort)
    {
        Assert.Equal(engine.Shape.Select(d => (long)d).ToArray(), ort.Shape);
        float[] expected = engine.ToArray<float>();
        Assert.Equal(expected.Length, ort.Values.Length);
        double max = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.False(float.IsNaN(expected[i]) || float.IsNaN(ort.Values[i]), $"NaN at {i}");
            max = Math.Max(max, Math.Abs(expected[i] - ort.Values[i]));
        }
        return max;
    }
}
