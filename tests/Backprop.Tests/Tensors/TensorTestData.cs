using Backprop.Random;

namespace Backprop.Tests.Tensors;

/// <summary>Seeded Float64 test tensors that require grad.</summary>
internal static class TensorTestData
{
    /// <summary>A Float64 leaf of <paramref name="shape"/> with normal values from <paramref name="seed"/>.</summary>
    public static Tensor Normal(uint seed, params int[] shape)
    {
        Tensor t = Tensor.Randn(new NumpyRandom(seed), shape, DType.Float64);
        t.RequiresGrad = true;
        return t;
    }

    /// <summary>A Float64 leaf with values in [low, high) (keeps Log, Sqrt and Div away from 0).</summary>
    public static Tensor Uniform(uint seed, double low, double high, params int[] shape)
    {
        Tensor t = (Tensor.Rand(new NumpyRandom(seed), shape, DType.Float64) * (high - low) + low).Detach();
        t.RequiresGrad = true;
        return t;
    }

    /// <summary>Asserts that GradCheck passes, showing its worst element otherwise.</summary>
    public static void AssertGradCheck(Func<Tensor[], Tensor> f, params Tensor[] inputs)
    {
        GradCheckResult result = GradCheck.Check(f, inputs);
        Assert.True(result.Passed, result.Message);
    }
}
