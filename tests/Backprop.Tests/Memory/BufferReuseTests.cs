using Backprop.Memory;
using Backprop.NN;
using Backprop.Optim;
using Backprop.Random;
using Backprop.Tests.Support;

namespace Backprop.Tests.Memory;

/// <summary>A training step in a scope, in steady state, takes every array from the pool.</summary>
[Collection(nameof(ProcessStateCollection))]
public class BufferReuseTests
{
    [Fact]
    public void ATrainingStepInAScopeReusesItsBuffersInSteadyState()
    {
        var model = new Mlp([64, 128, 10], ActivationKind.Relu, new NumpyRandom(3));
        var optimizer = new Adam(model.Parameters());
        Tensor x = Tensor.Randn(new NumpyRandom(4), 256, 64);
        Tensor y = Tensor.FromArray(Enumerable.Range(0, 256).Select(i => (long)(i % 10)).ToArray());
        void Step()
        {
            using (Tensor.Scope())
            {
                optimizer.ZeroGrad();
                Losses.CrossEntropy(model.Forward(x), y).Backward();
                optimizer.Step();
            }
        }
        for (int i = 0; i < 3; i++) Step();
        long allocatedBefore = BufferPool.Statistics.AllocatedBytes;
        for (int i = 0; i < 20; i++) Step();
        // Alone in the process (no parallel test shares the pool's counters): nothing new.
        Assert.Equal(allocatedBefore, BufferPool.Statistics.AllocatedBytes);
    }
}
