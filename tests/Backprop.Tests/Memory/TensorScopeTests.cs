using Backprop.Memory;
using Backprop.NN;
using Backprop.Optim;
using Backprop.Random;

namespace Backprop.Tests.Memory;

/// <summary>
/// Scopes release what was made inside them, loudly: a released tensor throws when read; what
/// the library keeps (parameters, optimizer state, gradients, module buffers) survives; results
/// are the same with and without scopes.
/// </summary>
public class TensorScopeTests
{
    [Fact]
    public void ATensorMadeInAScopeCannotBeReadAfterIt()
    {
        Tensor inside, big;
        using (Tensor.Scope())
        {
            inside = Tensor.Ones(3) * 2.0;
            big = Tensor.Ones(100_000) * 2.0; // pooled
            Assert.Equal(6.0, inside.Sum().Item());
        }
        ObjectDisposedException e = Assert.Throws<ObjectDisposedException>(() => inside.ToArray<float>());
        Assert.Contains("Tensor.Scope()", e.Message);
        Assert.Throws<ObjectDisposedException>(() => big.Sum());
        Assert.Equal(DType.Float32, big.DType); // metadata stays readable, for messages
    }

    [Fact]
    public void ViewsGoWithTheirBaseAndMoveToOuterScopeKeepsATensor()
    {
        Tensor kept, view;
        using (Tensor.Scope())
        {
            using (Tensor.Scope())
            {
                kept = (Tensor.Ones(2, 3) * 3.0).MoveToOuterScope();
                view = kept.Transpose(0, 1);
            }
            Assert.Equal(18.0, view.Sum().Item());
        }
        Assert.Throws<ObjectDisposedException>(() => kept.Sum());
    }

    [Fact]
    public void TensorsMadeOutsideEveryScopeAreTheGcs()
    {
        Tensor outside;
        using (Tensor.Scope()) { }
        outside = Tensor.Ones(4) * 2.0;
        using (Tensor.Scope()) outside = outside.MoveToOuterScope();
        Assert.Equal(8.0, outside.Sum().Item());
    }

    [Fact]
    public void ScopesMustBeDisposedInnermostFirst()
    {
        TensorScope outer = Tensor.Scope();
        TensorScope inner = Tensor.Scope();
        Assert.Throws<InvalidOperationException>(outer.Dispose);
        inner.Dispose();
        outer.Dispose();
        outer.Dispose(); // twice is harmless
    }

    [Fact]
    public void TrainingInsideScopesGivesBitIdenticalWeightsAndKeepsWhatTrainingNeeds()
    {
        float[] Train(bool scoped)
        {
            var model = new Mlp([4, 32, 3], ActivationKind.Relu, new NumpyRandom(3), dropout: 0.1);
            var optimizer = new Adam(model.Parameters(), learningRate: 0.01);
            var random = new NumpyRandom(4);
            Tensor x = Tensor.Randn(random, 64, 4);
            Tensor y = Tensor.FromArray(Enumerable.Range(0, 64).Select(i => (long)(i % 3)).ToArray());
            for (int step = 0; step < 20; step++)
            {
                TensorScope? scope = scoped ? Tensor.Scope() : null;
                optimizer.ZeroGrad();
                Losses.CrossEntropy(model.Forward(x), y).Backward();
                optimizer.Step();
                scope?.Dispose();
            }
            return [.. model.Parameters().SelectMany(p => p.ToArray<float>())];
        }
        Assert.Equal(Train(scoped: false), Train(scoped: true));
    }

    [Fact]
    public void ModuleBuffersUpdatedInsideAScopeSurviveIt()
    {
        var norm = new BatchNorm1d(3);
        using (Tensor.Scope()) norm.Forward(Tensor.Randn(new NumpyRandom(1), 8, 3));
        Assert.All(norm.StateDict().Values, t => Assert.True(double.IsFinite(t.ToDoubleArray()[0])));
    }

    [Fact]
    public void AParameterMadeInsideAScopeSurvivesIt()
    {
        Linear layer;
        using (Tensor.Scope()) layer = new Linear(3, 2, new NumpyRandom(0));
        Assert.Equal([2, 3], layer.Weight.Shape);
        Assert.True(double.IsFinite(layer.Weight.Sum().Item()));
    }
}
