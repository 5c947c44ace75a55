using Backprop.NN;
using Backprop.Random;
using Backprop.Tests.Support;

namespace Backprop.Tests.Habits;

/// <summary>torch.manual_seed(42) is Tensor.ManualSeed(42); layers made without a generator draw from it.</summary>
[Collection(nameof(ProcessStateCollection))] // the default generator is process-wide
public class DefaultGeneratorTests
{
    [Fact]
    public void ManualSeedThenLayersWithoutAGeneratorMatchAnExplicitGeneratorSeededTheSame()
    {
        Tensor.ManualSeed(42);
        var first = new Linear(2, 16);
        var second = new Linear(16, 1);
        var random = new NumpyRandom(42);
        var explicitFirst = new Linear(2, 16, random);
        var explicitSecond = new Linear(16, 1, random);
        Assert.Equal(explicitFirst.Weight.ToArray<float>(), first.Weight.ToArray<float>());
        Assert.Equal(explicitSecond.Bias!.ToArray<float>(), second.Bias!.ToArray<float>());
        Assert.NotEqual(first.Weight.ToArray<float>()[..2], second.Weight.ToArray<float>()[..2]);

        Tensor.ManualSeed(42);
        Assert.Equal(explicitFirst.Weight.ToArray<float>(), new Linear(2, 16).Weight.ToArray<float>()); // reseeding repeats
    }

    [Fact]
    public void RandomTensorsDropoutAndOtherLayersUseTheDefaultGenerator()
    {
        Tensor.ManualSeed(7);
        Tensor a = Tensor.Randn(2, 3);
        Tensor b = Tensor.Rand(4);
        var random = new NumpyRandom(7);
        Assert.Equal(Tensor.Randn(random, 2, 3).ToArray<float>(), a.ToArray<float>());
        Assert.Equal(Tensor.Rand(random, 4).ToArray<float>(), b.ToArray<float>());
        Tensor c = Tensor.Randn([3], DType.Float64);
        Assert.Equal(Tensor.Randn(random, [3], DType.Float64).ToArray<double>(), c.ToArray<double>());

        Tensor.ManualSeed(3);
        var conv = new Conv2d(1, 2, 3, padding: 1);
        var embedding = new Embedding(5, 2);
        Tensor dropped = new Dropout(0.5).Forward(Tensor.Ones(8));
        random = new NumpyRandom(3);
        Assert.Equal(new Conv2d(1, 2, 3, random, padding: 1).Weight.ToArray<float>(), conv.Weight.ToArray<float>());
        Assert.Equal(new Embedding(5, 2, random).Weight.ToArray<float>(), embedding.Weight.ToArray<float>());
        Assert.Equal(new Dropout(0.5, random).Forward(Tensor.Ones(8)).ToArray<float>(), dropped.ToArray<float>());

        Tensor.ManualSeed(11);
        var mlp = new Mlp([2, 4, 1], ActivationKind.Relu);
        Assert.Equal(new Mlp([2, 4, 1], ActivationKind.Relu, new NumpyRandom(11)).Parameters().Select(p => p.ToArray<float>()), mlp.Parameters().Select(p => p.ToArray<float>()));
    }

    [Fact]
    public void ASeedOutsideNumpysRangeIsRefused()
    {
        ArgumentOutOfRangeException e = Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.ManualSeed(-1));
        Assert.StartsWith("ManualSeed: the seed must be in [0, 2^32), got -1", e.Message);
        Assert.Same(Tensor.DefaultGenerator, Tensor.ManualSeed(uint.MaxValue));
    }
}
