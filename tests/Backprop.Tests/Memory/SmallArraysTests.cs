using Backprop.Memory;
using Backprop.NN;
using Backprop.Optim;
using Backprop.Random;

namespace Backprop.Tests.Memory;

/// <summary>
/// Small arrays (under 1 KB) kept per thread: reused once their tensor's scope ends, never
/// handed out while a live tensor still holds them, never handed out twice.
/// </summary>
public class SmallArraysTests
{
    [Fact]
    public void AnArrayReleasedByItsScopeIsReusedOnThisThread()
    {
        Array[] first;
        using (Tensor.Scope())
        {
            Tensor ones = Tensor.Ones(10, 8);
            first = [ones.StorageArray, (ones * 2.0).StorageArray];
        }
        using (Tensor.Scope())
        {
            // The last two arrays of this length given back on this thread are handed out first.
            Tensor ones = Tensor.Ones(10, 8), again = ones * 5.0;
            Assert.NotSame(ones.StorageArray, again.StorageArray);
            Assert.Contains(first, f => ReferenceEquals(f, ones.StorageArray));
            Assert.Contains(first, f => ReferenceEquals(f, again.StorageArray));
            Assert.All(again.ToArray<float>(), v => Assert.Equal(5f, v));
        }
    }

    [Fact]
    public void NoArrayIsHandedOutWhileALiveTensorHoldsIt()
    {
        // Each step keeps one small tensor beyond its scope and lets the rest go back; if a
        // pooled array were handed out while a kept tensor still referenced it, a later step
        // would overwrite the kept values, or two kept tensors would share an array.
        var kept = new List<(Tensor Tensor, float Value)>();
        for (int step = 0; step < 200; step++)
        {
            using (Tensor.Scope())
            {
                var made = new List<Tensor>();
                for (int i = 0; i < 20; i++) made.Add(Tensor.Ones(10, 8) * (step * 100.0 + i));
                kept.Add((made[step % 20].MoveToOuterScope(), step * 100f + step % 20));
                // Alive together in this scope: twenty distinct arrays.
                Assert.Equal(20, made.Select(t => t.StorageArray).Distinct(ReferenceEqualityComparer.Instance).Count());
            }
        }
        Assert.Equal(kept.Count, kept.Select(k => k.Tensor.StorageArray).Distinct(ReferenceEqualityComparer.Instance).Count());
        foreach ((Tensor tensor, float value) in kept) Assert.All(tensor.ToArray<float>(), v => Assert.Equal(value, v));
    }

    [Fact]
    public void AStorageReleasedTwiceGivesItsArrayBackOnce()
    {
        Tensor t = Tensor.Ones(10, 8) * 2.0; // outside every scope: released by hand below
        float[] array = (float[])t.StorageArray;
        var drained = new List<float[]>();
        while (SmallArrays<float>.Kept(80) > 0) drained.Add(BufferPool.Rent<float>(80, out _));
        t.SharedStorage.Release("a test released it");
        t.SharedStorage.Release("a test released it again");
        Assert.Equal(1, SmallArrays<float>.Kept(80));
        float[] a = BufferPool.Rent<float>(80, out bool pooled), b = BufferPool.Rent<float>(80, out _);
        Assert.True(pooled);
        Assert.Same(array, a);
        Assert.NotSame(a, b);
        Assert.DoesNotContain(drained, d => ReferenceEquals(d, array));
        Assert.Throws<ObjectDisposedException>(() => t.Sum());
    }

    [Fact]
    public void AClearedGradientIsUnreadableAndItsArrayServesTheNextPass()
    {
        var layer = new Linear(8, 4, new NumpyRandom(1));
        var optimizer = new Sgd(layer.Parameters(), 0.1);
        Tensor x = Tensor.Ones(10, 8);
        using (Tensor.Scope()) layer.Forward(x).Sum().Backward();
        Tensor oldGrad = layer.Weight.Grad!;
        float[] expected = oldGrad.ToArray<float>();
        optimizer.ZeroGrad();
        Assert.Throws<ObjectDisposedException>(() => oldGrad.ToArray<float>());
        using (Tensor.Scope()) layer.Forward(x).Sum().Backward();
        // The same input and weights: the same gradient, in a fresh accumulator.
        Assert.Equal(expected, layer.Weight.Grad!.ToArray<float>());
        Assert.NotSame(oldGrad, layer.Weight.Grad);
    }

    [Fact]
    public void TrainingInScopesGivesTheSameWeightsAsWithout()
    {
        // Pooled small arrays are not cleared: a step that read stale values would differ.
        float[] Train(bool scoped)
        {
            var model = new Sequential(new Linear(7, 8, new NumpyRandom(3)), new Activation(ActivationKind.Tanh), new Linear(8, 1, new NumpyRandom(4)));
            var optimizer = new Sgd(model.Parameters(), 0.03);
            var random = new System.Random(7);
            for (int step = 0; step < 50; step++)
            {
                float[] data = Enumerable.Range(0, 70).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
                float[] target = Enumerable.Range(0, 10).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
                using TensorScope? scope = scoped ? Tensor.Scope() : null;
                optimizer.ZeroGrad();
                Losses.MseLoss(model.Forward(Tensor.FromArray(data, 10, 7)), Tensor.FromArray(target, 10, 1)).Backward();
                optimizer.Step();
            }
            return [.. model.Parameters().SelectMany(p => p.ToArray<float>())];
        }
        Assert.Equal(Train(scoped: false), Train(scoped: true));
    }

    [Fact]
    public void ListsOfEndedScopesServeLaterOnesWithoutMixingThem()
    {
        using (Tensor.Scope())
        {
            Tensor outer = Tensor.Ones(3) * 4.0;
            TensorScope inner = Tensor.Scope();
            Tensor a = Tensor.Ones(3) * 1.0;
            int made = inner.Count;
            inner.Dispose();
            Assert.Equal(0, inner.Count);
            using (TensorScope next = Tensor.Scope())
            {
                // Likely the ended scope's list, cleared: it holds only what was made here.
                Tensor b = Tensor.Ones(3) * 2.0;
                Assert.Equal(made, next.Count);
                Assert.Equal(0, inner.Count);
                Assert.Equal(6.0, b.Sum().Item());
            }
            Assert.Throws<ObjectDisposedException>(() => a.Sum());
            Assert.Equal(12.0, outer.Sum().Item());
        }
    }
}
