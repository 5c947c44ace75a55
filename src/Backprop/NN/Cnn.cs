using Backprop.Random;

namespace Backprop.NN;

/// <summary>
/// A small convolutional classifier for square single-channel images given as flat rows of
/// pixels [N, size·size]: per entry of <see cref="Widths"/> a block of a 3×3 convolution (padding
/// 1), <see cref="BatchNorm2d"/>, ReLU and 2×2 max pooling, then one <see cref="Linear"/> head.
/// Layers are named as a PyTorch <c>nn.Sequential</c> of the same layers would name them
/// (<c>1.weight</c> is the first convolution's kernel; 0 is the <see cref="Unflatten"/>).
/// </summary>
public sealed class Cnn : Sequential
{
    /// <summary>Builds the network with PyTorch's default initialisation from <paramref name="random"/>.</summary>
    /// <param name="imageSize">The images' height and width (28 for MNIST); the input is [N, imageSize²].</param>
    /// <param name="widths">Output channels of each convolution block (e.g. 16, 32).</param>
    /// <param name="classes">Outputs of the head.</param>
    /// <param name="random">The generator for the initial weights.</param>
    /// <param name="dtype">The element type.</param>
    /// <exception cref="ArgumentException">The pooling would shrink the image below one pixel, or a size is not positive.</exception>
    public Cnn(int imageSize, IReadOnlyList<int> widths, int classes, NumpyRandom random, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(widths);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfLessThan(imageSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        if (widths.Count == 0 || widths.Any(w => w < 1))
            throw new ArgumentException($"Cnn: widths must be one or more positive channel counts, got [{string.Join(",", widths)}]", nameof(widths));
        if (imageSize >> widths.Count < 1)
            throw new ArgumentException($"Cnn: {widths.Count} blocks each halve the image; a {imageSize}x{imageSize} image is too small for them", nameof(widths));
        ImageSize = imageSize;
        Widths = [.. widths];
        Classes = classes;
        Add(new Unflatten(1, 1, imageSize, imageSize));
        int channels = 1, size = imageSize;
        foreach (int width in widths)
        {
            Add(new Conv2d(channels, width, 3, random, padding: 1, dtype: dtype));
            Add(new BatchNorm2d(width, dtype: dtype));
            Add(new Activation(ActivationKind.Relu));
            Add(new MaxPool2d(2));
            channels = width;
            size /= 2;
        }
        Add(new Flatten());
        Add(new Linear(channels * size * size, classes, random, dtype: dtype));
    }

    /// <summary>The images' height and width.</summary>
    public int ImageSize { get; }

    /// <summary>Output channels of each convolution block.</summary>
    public IReadOnlyList<int> Widths { get; }

    /// <summary>Outputs of the head.</summary>
    public int Classes { get; }
}
