using Backprop.NN;

namespace Backprop.Tests.Distributed;

/// <summary>Casts the loader's float32 features to float64, so that a float64 model trains (and is evaluated) on them.</summary>
internal sealed class AsFloat64 : Module
{
    protected override Tensor ForwardCore(Tensor input) => input.To(DType.Float64);
}

/// <summary>Helpers of the data-parallel tests.</summary>
internal static class DistributedTestModels
{
    /// <summary>Every parameter's values, in registration order.</summary>
    public static double[][] Weights(Module model) => [.. model.Parameters().Select(p => p.DType == DType.Float64 ? p.ToArray<double>() : [.. p.ToFloatArray().Select(v => (double)v)])];

    /// <summary>The largest ‖a − b‖ / ‖b‖ over the tensors.</summary>
    public static double RelativeDifference(double[][] a, double[][] b)
    {
        Assert.Equal(b.Length, a.Length);
        double worst = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double diff = 0, norm = 0;
            for (int j = 0; j < b[i].Length; j++)
            {
                diff += (a[i][j] - b[i][j]) * (a[i][j] - b[i][j]);
                norm += b[i][j] * b[i][j];
            }
            worst = Math.Max(worst, Math.Sqrt(diff / norm));
        }
        return worst;
    }
}
