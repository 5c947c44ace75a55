using Backprop.NN;
using Backprop.Optim;
using Backprop.Random;

namespace Backprop.Cli.Bench;

/// <summary>
/// <c>backprop bench conv</c>: the convolution workloads issue 10 compares with PyTorch
/// (bench/peers/torch_conv.py times the same ones under the same names): a Conv2d 32→64 3×3
/// forward and backward on a [64, 32, 28, 28] batch, the same depthwise (64 groups), and the
/// training step of <c>train --model cnn</c>'s network at batch 64 with Adam.
/// </summary>
public static class ConvBenchmark
{
    /// <summary>Times each workload (median of repeated runs after a warm-up) on as many threads as the process may use.</summary>
    public static List<TensorFigure> Measure()
    {
        var random = new NumpyRandom(7);
        var conv = new Conv2d(32, 64, 3, random, padding: 1);
        Tensor x = Tensor.Randn(random, 64, 32, 28, 28);
        x.RequiresGrad = true;
        var depthwise = new Conv2d(64, 64, 3, random, padding: 1, groups: 64);
        Tensor xd = Tensor.Randn(random, 64, 64, 28, 28);
        xd.RequiresGrad = true;
        var cnn = new Cnn(28, [32, 64], 10, new NumpyRandom(1));
        var adam = new Adam(cnn.Parameters(), 1e-3);
        Tensor images = Tensor.Rand(random, 64, 784);
        Tensor labels = Tensor.FromArray(Enumerable.Range(0, 64).Select(i => (long)(i % 10)).ToArray());

        return
        [
            new("Conv2d 32->64 3x3 pad 1 on [64,32,28,28], forward + backward",
                TensorBenchmark.MedianMicroseconds(() => ForwardBackward(conv, x), warmup: 3, runs: 15) / 1000, "ms", "<= PyTorch"),
            new("Depthwise Conv2d 64 groups 3x3 pad 1 on [64,64,28,28], forward + backward",
                TensorBenchmark.MedianMicroseconds(() => ForwardBackward(depthwise, xd), warmup: 3, runs: 15) / 1000, "ms", "<= PyTorch"),
            new("CNN step (conv 32, conv 64, batch norm, max pool, linear), batch 64, Adam",
                TensorBenchmark.MedianMicroseconds(() => Step(cnn, adam, images, labels), warmup: 3, runs: 30) / 1000, "ms", "<= PyTorch"),
        ];
    }

    private static void ForwardBackward(Module layer, Tensor input)
    {
        using (Tensor.Scope())
        {
            layer.ZeroGrad();
            input.ZeroGrad();
            layer.Forward(input).Sum().Backward();
        }
    }

    private static void Step(Module model, Optimizer optimizer, Tensor images, Tensor labels)
    {
        using (Tensor.Scope())
        {
            optimizer.ZeroGrad();
            Losses.CrossEntropy(model.Forward(images), labels).Backward();
            optimizer.Step();
        }
    }
}
