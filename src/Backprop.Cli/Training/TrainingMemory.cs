namespace Backprop.Cli.Training;

/// <summary>A generous estimate of the memory a training run needs, checked before it starts.</summary>
public static class TrainingMemory
{
    /// <summary>Bytes a scalar-engine node takes with its share of the graph's bookkeeping (measured: about 150; rounded up).</summary>
    private const double BytesPerValue = 200;

    /// <summary>
    /// Tensor engine: weights, gradients, two optimizer states and the copy kept for divergence
    /// (float32 each), plus activations and their gradients for a training batch and an
    /// evaluation batch of 1,000. Scalar engine: one <see cref="Value"/> per multiply and add of a
    /// step's forward pass, plus the inputs held as values.
    /// </summary>
    /// <param name="options">The run's options.</param>
    /// <param name="data">The data (already in memory, so not counted).</param>
    /// <param name="sizes">The layer widths.</param>
    /// <returns>Bytes, as a double (settings can overflow a long).</returns>
    public static double Estimate(TrainOptions options, DataSource data, int[] sizes) => EstimateCore(options, data, sizes);

    /// <summary>
    /// A CNN (<see cref="NN.Cnn"/>): weights as for an MLP, and per example the activations of
    /// every block counted eight times (convolution, the batch norm's intermediates, ReLU, their
    /// gradients), for a training batch and an evaluation batch of 1,000.
    /// </summary>
    /// <param name="options">The run's options.</param>
    /// <param name="data">The data (already in memory, so not counted).</param>
    /// <param name="side">The images' height and width.</param>
    /// <param name="widths">The blocks' output channels.</param>
    /// <returns>Bytes, as a double.</returns>
    public static double EstimateCnn(TrainOptions options, DataSource data, int side, int[] widths)
    {
        double weights = 0, perExample = 0;
        int channels = 1, size = side;
        foreach (int width in widths)
        {
            weights += (9.0 * channels + 1) * width;
            perExample += 8.0 * width * size * size;
            channels = width;
            size /= 2;
        }
        weights += ((double)channels * size * size + 1) * TrainSetup.Classes(data);
        double batch = options.BatchSize <= 0 ? data.Train.Count : Math.Min(options.BatchSize, data.Train.Count);
        return weights * 4 * 5 + (batch + 1000) * perExample * 4;
    }

    private static double EstimateCore(TrainOptions options, DataSource data, int[] sizes)
    {
        double weights = 0, units = 0;
        for (int i = 0; i + 1 < sizes.Length; i++)
        {
            weights += ((double)sizes[i] + 1) * sizes[i + 1];
            units += sizes[i + 1];
        }
        double batch = options.BatchSize <= 0 ? data.Train.Count : Math.Min(options.BatchSize, data.Train.Count);
        if (options.Engine == "scalar")
            return BytesPerValue * (2 * weights * batch + (double)data.Train.Count * data.Train.FeatureCount);
        double activations = (batch + 1000) * (units + sizes[0]) * 4 * 4;
        return weights * 4 * 5 + activations;
    }
}
