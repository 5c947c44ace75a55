using Backprop.Random;

namespace Backprop.NN;

/// <summary>The nonlinearity an initialiser scales for (PyTorch's <c>calculate_gain</c>).</summary>
public enum Nonlinearity
{
    /// <summary>No activation: gain 1.</summary>
    Linear,

    /// <summary>Sigmoid: gain 1.</summary>
    Sigmoid,

    /// <summary>Tanh: gain 5/3.</summary>
    Tanh,

    /// <summary>ReLU: gain √2.</summary>
    Relu,

    /// <summary>Leaky ReLU with slope a: gain √(2 / (1 + a²)).</summary>
    LeakyRelu,
}

/// <summary>Whether Kaiming initialisation preserves the variance of activations (fan in) or of gradients (fan out).</summary>
public enum FanMode
{
    /// <summary>Scale by the number of inputs: keeps the forward signal's variance.</summary>
    FanIn,

    /// <summary>Scale by the number of outputs: keeps the backward signal's variance.</summary>
    FanOut,
}

/// <summary>
/// Initialisers, as <c>torch.nn.init</c> defines them, filling a tensor in place from a seeded
/// <see cref="NumpyRandom"/> (so a seed gives the same model). Fans follow PyTorch's layout:
/// a weight is [out, in, …], fan in = in · receptive field, fan out = out · receptive field.
/// </summary>
public static class Init
{
    /// <summary>The recommended gain for <paramref name="nonlinearity"/> (with slope <paramref name="negativeSlope"/> for leaky ReLU).</summary>
    public static double Gain(Nonlinearity nonlinearity, double negativeSlope = 0.01) => nonlinearity switch
    {
        Nonlinearity.Tanh => 5.0 / 3,
        Nonlinearity.Relu => Math.Sqrt(2),
        Nonlinearity.LeakyRelu => Math.Sqrt(2 / (1 + negativeSlope * negativeSlope)),
        _ => 1,
    };

    /// <summary>U(low, high).</summary>
    public static Tensor Uniform(Tensor tensor, NumpyRandom random, double low = 0, double high = 1) =>
        Fill(tensor, () => random.Uniform(low, high));

    /// <summary>N(mean, std²).</summary>
    public static Tensor Normal(Tensor tensor, NumpyRandom random, double mean = 0, double std = 1) =>
        Fill(tensor, () => random.Normal(mean, std));

    /// <summary>Every element set to <paramref name="value"/>.</summary>
    public static Tensor Constant(Tensor tensor, double value) => Fill(tensor, () => value);

    /// <summary>Glorot uniform: U(-a, a) with a = gain·√(6 / (fan in + fan out)).</summary>
    public static Tensor XavierUniform(Tensor tensor, NumpyRandom random, double gain = 1)
    {
        (int fanIn, int fanOut) = Fans(tensor);
        double a = gain * Math.Sqrt(6.0 / (fanIn + fanOut));
        return Uniform(tensor, random, -a, a);
    }

    /// <summary>Glorot normal: N(0, std²) with std = gain·√(2 / (fan in + fan out)).</summary>
    public static Tensor XavierNormal(Tensor tensor, NumpyRandom random, double gain = 1)
    {
        (int fanIn, int fanOut) = Fans(tensor);
        return Normal(tensor, random, 0, gain * Math.Sqrt(2.0 / (fanIn + fanOut)));
    }

    /// <summary>He uniform: U(-b, b) with b = gain·√(3 / fan).</summary>
    public static Tensor KaimingUniform(Tensor tensor, NumpyRandom random, double negativeSlope = 0,
        FanMode mode = FanMode.FanIn, Nonlinearity nonlinearity = Nonlinearity.LeakyRelu)
    {
        double bound = Gain(nonlinearity, negativeSlope) * Math.Sqrt(3.0 / Fan(tensor, mode));
        return Uniform(tensor, random, -bound, bound);
    }

    /// <summary>He normal: N(0, std²) with std = gain / √fan.</summary>
    public static Tensor KaimingNormal(Tensor tensor, NumpyRandom random, double negativeSlope = 0,
        FanMode mode = FanMode.FanIn, Nonlinearity nonlinearity = Nonlinearity.LeakyRelu) =>
        Normal(tensor, random, 0, Gain(nonlinearity, negativeSlope) / Math.Sqrt(Fan(tensor, mode)));

    /// <summary>(fan in, fan out) of a weight shaped [out, in, …].</summary>
    /// <exception cref="ArgumentException">The tensor has fewer than two dimensions.</exception>
    public static (int FanIn, int FanOut) Fans(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Rank < 2)
            throw new ArgumentException($"Init: fans need a weight of at least two dimensions, got shape [{string.Join(",", tensor.Shape)}]", nameof(tensor));
        int receptive = 1;
        for (int d = 2; d < tensor.Rank; d++) receptive *= tensor.Shape[d];
        return (tensor.Shape[1] * receptive, tensor.Shape[0] * receptive);
    }

    private static int Fan(Tensor tensor, FanMode mode)
    {
        (int fanIn, int fanOut) = Fans(tensor);
        return mode == FanMode.FanIn ? fanIn : fanOut;
    }

    /// <summary>Sets the elements, in row-major order, to successive values of <paramref name="next"/>.</summary>
    private static Tensor Fill(Tensor tensor, Func<double> next)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var values = new double[tensor.Count];
        for (int i = 0; i < values.Length; i++) values[i] = next();
        using (Autograd.NoGrad()) tensor.CopyFrom(Tensor.FromDoubles(values, [.. tensor.Shape], tensor.DType));
        return tensor;
    }
}
