using Backprop.Random;

namespace Backprop.NN;

/// <summary>What the convolution layers share: argument checks and PyTorch's default initialisation.</summary>
internal static class ConvParameters
{
    /// <summary>Checks channel counts, kernel size and groups, naming the layer.</summary>
    public static void Check(string layer, int inChannels, int outChannels, (int H, int W) kernelSize, int groups)
    {
        if (inChannels < 1 || outChannels < 1)
            throw new ArgumentOutOfRangeException(nameof(inChannels), $"{layer}: channel counts must be ≥ 1, got in {inChannels}, out {outChannels}");
        if (kernelSize.H < 1 || kernelSize.W < 1)
            throw new ArgumentOutOfRangeException(nameof(kernelSize), $"{layer}: kernel size must be ≥ 1, got ({kernelSize.H}, {kernelSize.W})");
        if (inChannels % groups != 0 || outChannels % groups != 0)
            throw new ArgumentException($"{layer}: in {inChannels} and out {outChannels} channels must both be divisible by groups {groups}", nameof(groups));
    }

    /// <summary>
    /// PyTorch's reset_parameters for convolutions: Kaiming uniform with a = √5 for the weight
    /// (bound 1/√fanIn), the bias uniform in ±1/√fanIn, where fanIn is dimension 1 of the
    /// weight times the kernel's area.
    /// </summary>
    public static void Initialise(Parameter weight, Parameter? bias, NumpyRandom random)
    {
        Init.KaimingUniform(weight, random, negativeSlope: Math.Sqrt(5));
        if (bias is null) return;
        int fanIn = weight.Count / weight.Shape[0];
        double bound = 1 / Math.Sqrt(fanIn);
        Init.Uniform(bias, random, -bound, bound);
    }
}
