using Backprop.NN;

namespace Backprop.Playground.Lab;

/// <summary>
/// A network's parameters as one flat vector, the space the loss landscape and the optimizer
/// race draw planes in: layer by layer, input side first, each layer's weight (row-major,
/// weight[to, from]) then its bias.
/// </summary>
public static class ParameterVector
{
    /// <summary>How many numbers the layers hold.</summary>
    /// <param name="layers">The Linear layers, input side first.</param>
    public static int Length(IReadOnlyList<Linear> layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        return layers.Sum(l => (l.InFeatures * l.OutFeatures) + l.OutFeatures);
    }

    /// <summary>The layers' parameters now, widened to double.</summary>
    /// <param name="layers">The Linear layers, input side first.</param>
    public static double[] Read(IReadOnlyList<Linear> layers)
    {
        var flat = new double[Length(layers)];
        int at = 0;
        foreach (Linear layer in layers)
        {
            foreach (float v in layer.Weight.ToFloatArray()) flat[at++] = v;
            foreach (float v in layer.Bias?.ToFloatArray() ?? []) flat[at++] = v;
        }
        return flat;
    }

    /// <summary>Sets the layers' parameters to <paramref name="flat"/> (rounded to float32, the parameters' type).</summary>
    /// <param name="layers">The Linear layers, input side first.</param>
    /// <param name="flat">One number per parameter, in <see cref="Read"/>'s order.</param>
    public static void Write(IReadOnlyList<Linear> layers, ReadOnlySpan<double> flat)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (flat.Length != Length(layers)) throw new ArgumentException($"ParameterVector.Write: {flat.Length} numbers for {Length(layers)} parameters", nameof(flat));
        int at = 0;
        using (Autograd.NoGrad())
        {
            foreach (Linear layer in layers)
            {
                at = Copy(layer.Weight, flat, at);
                if (layer.Bias is not null) at = Copy(layer.Bias, flat, at);
            }
        }
    }

    private static int Copy(Parameter parameter, ReadOnlySpan<double> flat, int at)
    {
        var values = new float[parameter.Count];
        for (int i = 0; i < values.Length; i++) values[i] = (float)flat[at + i];
        parameter.CopyFrom(Tensor.FromArray(values, [.. parameter.Shape]));
        return at + values.Length;
    }
}
