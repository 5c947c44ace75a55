using Backprop.Random;

namespace Backprop.Cli.Bench;

/// <summary>
/// An MLP written with raw tensors, no modules: weights and biases as leaf tensors, ReLU
/// between layers, plain SGD updating them in place. The tensor engine's training-step
/// workload (784-256-128-10 on a batch of 128 for MNIST-sized data; 2-16-16-1 for two moons).
/// </summary>
public sealed class RawTensorMlp
{
    private readonly Tensor[] _weights;
    private readonly Tensor[] _biases;
    private readonly double _learningRate;

    /// <summary>Creates the network with PyTorch's default Linear initialisation (uniform ±1/√fan-in), from a seed.</summary>
    /// <param name="sizes">Layer sizes, inputs first.</param>
    /// <param name="seed">Seed of the weights.</param>
    /// <param name="learningRate">SGD step size.</param>
    public RawTensorMlp(int[] sizes, uint seed, double learningRate = 0.05)
    {
        var random = new NumpyRandom(seed);
        _weights = new Tensor[sizes.Length - 1];
        _biases = new Tensor[sizes.Length - 1];
        for (int i = 0; i < _weights.Length; i++)
        {
            double bound = 1 / Math.Sqrt(sizes[i]);
            _weights[i] = Leaf(Tensor.Rand(random, sizes[i], sizes[i + 1]) * (2 * bound) - bound);
            _biases[i] = Leaf(Tensor.Rand(random, sizes[i + 1]) * (2 * bound) - bound);
        }
        _learningRate = learningRate;
    }

    /// <summary>The network's outputs (logits) for a batch.</summary>
    /// <param name="x">Inputs, one row per example.</param>
    public Tensor Forward(Tensor x)
    {
        Tensor h = x;
        for (int i = 0; i < _weights.Length; i++)
        {
            h = h.MatMul(_weights[i]) + _biases[i];
            if (i < _weights.Length - 1) h = h.Relu();
        }
        return h;
    }

    /// <summary>One step: forward, <paramref name="loss"/>, backward, SGD update in place.</summary>
    /// <param name="x">The batch.</param>
    /// <param name="loss">The loss of the logits.</param>
    /// <returns>The loss before the update.</returns>
    public double Step(Tensor x, Func<Tensor, Tensor> loss)
    {
        Tensor value = loss(Forward(x));
        foreach (Tensor p in Parameters()) p.ZeroGrad();
        value.Backward();
        using (Autograd.NoGrad())
        {
            foreach (Tensor p in Parameters()) p.AddInPlace(p.Grad!, -_learningRate);
        }
        return value.Item();
    }

    /// <summary>Weights and biases, layer by layer.</summary>
    public IEnumerable<Tensor> Parameters()
    {
        for (int i = 0; i < _weights.Length; i++)
        {
            yield return _weights[i];
            yield return _biases[i];
        }
    }

    private static Tensor Leaf(Tensor t)
    {
        Tensor leaf = t.Detach();
        leaf.RequiresGrad = true;
        return leaf;
    }
}
