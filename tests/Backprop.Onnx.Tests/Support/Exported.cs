using Backprop.NN;

namespace Backprop.OnnxTests.Support;

/// <summary>Exports modules to bytes and compares them with ONNX Runtime.</summary>
public static class Exported
{
    /// <summary>The tolerance of the issue: engine and ORT agree to 1e-5 in float32.</summary>
    public const double Tolerance = 1e-5;

    /// <summary>The ONNX bytes of <paramref name="module"/> traced on <paramref name="sample"/>.</summary>
    public static byte[] Bytes(Module module, Tensor sample)
    {
        using var stream = new MemoryStream();
        Onnx.Export(module, sample, stream);
        return stream.ToArray();
    }

    /// <summary>The engine's output for <paramref name="input"/> in evaluation mode.</summary>
    public static Tensor Engine(Module module, Tensor input)
    {
        module.Eval();
        using (Autograd.NoGrad()) return module.Forward(input);
    }

    /// <summary>Exports on <paramref name="sample"/>, runs ORT on <paramref name="input"/> (the sample when null) and returns the largest difference from the engine.</summary>
    public static double Difference(Module module, Tensor sample, Tensor? input = null)
    {
        byte[] model = Bytes(module, sample);
        input ??= sample;
        return OrtRun.MaxDifference(Engine(module, input), OrtRun.Run(model, input));
    }
}
