using Backprop.Distributed;
using Backprop.NN;
using Backprop.Random;

namespace Backprop.Tests.Distributed;

/// <summary>The wrapper's mechanics: buckets and their order, the timeline, NoSync, buffers and unused parameters.</summary>
public sealed class DistributedDataParallelTests
{
    private static Tensor Input(int rank, int rows) =>
        Tensor.FromArray([.. Enumerable.Range(0, rows * 4).Select(i => Math.Sin(i + 10.0 * rank))], rows, 4);

    private static Tensor Labels(int rank, int rows) => Tensor.FromArray([.. Enumerable.Range(0, rows).Select(i => (long)((i + rank) % 2))], rows);

    [Fact]
    public void BucketsFollowReverseRegistrationOrderUpToTheirSizeAndStartInOrder()
    {
        // Bytes (float32): 0.weight 128, 0.bias 32, 2.weight 256, 2.bias 32, 4.weight 64, 4.bias 8.
        IReadOnlyList<(IReadOnlyList<IReadOnlyList<string>> Buckets, StepTiming Step)> results = InProcessCommunicator.Run(2, c =>
        {
            using var ddp = new DistributedDataParallel(new Mlp([4, 8, 8, 2], ActivationKind.Relu, new NumpyRandom(1)), c, bucketBytes: 300);
            Losses.CrossEntropy(ddp.Forward(Input(c.Rank, 6).To(DType.Float32)), Labels(c.Rank, 6)).Backward();
            return (ddp.Buckets, ddp.Timeline.Single());
        });
        (IReadOnlyList<IReadOnlyList<string>> buckets, StepTiming step) = results[0];
        Assert.Equal(3, buckets.Count);
        Assert.Equal(["4.bias", "4.weight", "2.bias"], buckets[0]); // 104 bytes; 2.weight would make 360
        Assert.Equal(["2.weight", "0.bias"], buckets[1]); // 288
        Assert.Equal(["0.weight"], buckets[2]);
        Assert.Equal([0, 1, 2], step.Buckets.Select(b => b.Bucket));
        Assert.Equal([104L, 288, 128], step.Buckets.Select(b => b.Bytes));
        for (int i = 0; i < 3; i++)
        {
            BucketTiming b = step.Buckets[i];
            Assert.True(b.ReadyMs <= b.StartMs && b.StartMs <= b.FinishMs, $"bucket {i}: {b}");
            if (i > 0) Assert.True(step.Buckets[i - 1].FinishMs <= b.StartMs, "buckets are reduced one after another, in order");
        }
        // The first bucket was ready while backward still had the first layer to do.
        Assert.True(step.Buckets[0].ReadyMs < step.Buckets[2].ReadyMs && step.Buckets[2].ReadyMs <= step.BackwardMs);
        Assert.True(step.SyncedMs >= step.Buckets[2].FinishMs);
    }

    [Fact]
    public void NoSyncAccumulatesLocallyAndTheNextBackwardAveragesTheSum()
    {
        // The plain model's gradients of each rank's two micro-batches, for the expected values.
        double[] LocalGradient(int rank, int part)
        {
            var plain = new Mlp([4, 5, 2], ActivationKind.Tanh, new NumpyRandom(2), dtype: DType.Float64);
            Losses.CrossEntropy(plain.Forward(Input(rank + 2 * part, 3)), Labels(rank, 3)).Backward();
            return [.. plain.Parameters().SelectMany(p => p.Grad!.ToArray<double>())];
        }
        IReadOnlyList<(double[] AfterNoSync, double[] AfterSync, int Steps)> results = InProcessCommunicator.Run<(double[], double[], int)>(2, c =>
        {
            var model = new Mlp([4, 5, 2], ActivationKind.Tanh, new NumpyRandom(2), dtype: DType.Float64);
            using var ddp = new DistributedDataParallel(model, c);
            using (ddp.NoSync()) Losses.CrossEntropy(ddp.Forward(Input(c.Rank, 3)), Labels(c.Rank, 3)).Backward();
            double[] local = [.. model.Parameters().SelectMany(p => p.Grad!.ToArray<double>())];
            int before = ddp.Timeline.Count;
            Losses.CrossEntropy(ddp.Forward(Input(c.Rank + 2, 3)), Labels(c.Rank, 3)).Backward();
            Assert.Equal(0, before);
            return (local, [.. model.Parameters().SelectMany(p => p.Grad!.ToArray<double>())], ddp.Timeline.Count);
        });
        for (int r = 0; r < 2; r++)
        {
            Assert.Equal(LocalGradient(r, 0), results[r].AfterNoSync); // nothing was communicated
            Assert.Equal(1, results[r].Steps);
        }
        double[] expected = [.. Enumerable.Range(0, results[0].AfterSync.Length).Select(i =>
            (LocalGradient(0, 0)[i] + LocalGradient(0, 1)[i] + LocalGradient(1, 0)[i] + LocalGradient(1, 1)[i]) / 2)];
        Assert.Equal(results[0].AfterSync, results[1].AfterSync);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], results[0].AfterSync[i], 1e-12);
    }

    [Fact]
    public void RankZerosWeightsAndBuffersReachEveryRank()
    {
        IReadOnlyList<(double[] Weight, float[] RunningMean)> results = InProcessCommunicator.Run(3, c =>
        {
            var linear = new Linear(4, 3, new NumpyRandom(10 + (uint)c.Rank), dtype: DType.Float64);
            var norm = new BatchNorm1d(3);
            using var ddp = new DistributedDataParallel(new Sequential(linear, new AsFloat32(), norm), c);
            // Each rank's forward moves its running mean by its own batch; the next forward starts from rank 0's.
            ddp.Forward(Input(c.Rank, 5));
            ddp.Forward(Input(c.Rank, 5));
            return (linear.Weight.ToArray<double>(), norm.RunningMean.ToFloatArray());
        });
        double[] rankZeroInit = new Linear(4, 3, new NumpyRandom(10), dtype: DType.Float64).Weight.ToArray<double>();
        Assert.All(results, r => Assert.Equal(rankZeroInit, r.Weight));
        Assert.NotEqual(results[0].RunningMean, results[1].RunningMean); // after the last forward, each rank's own batch
    }

    [Fact]
    public void AParameterTheLossDoesNotReachGetsAZeroGradientAndTheStepCompletes()
    {
        IReadOnlyList<double[]> results = InProcessCommunicator.Run(2, c =>
        {
            var used = new Linear(4, 2, new NumpyRandom(1), dtype: DType.Float64);
            var unused = new Linear(4, 2, new NumpyRandom(2), dtype: DType.Float64);
            using var ddp = new DistributedDataParallel(new TwoHeads(used, unused), c, bucketBytes: 64);
            Losses.CrossEntropy(ddp.Forward(Input(c.Rank, 3)), Labels(c.Rank, 3)).Backward();
            return unused.Weight.Grad!.ToArray<double>();
        });
        Assert.All(results, g => Assert.All(g, v => Assert.Equal(0.0, v)));
    }

    private sealed class AsFloat32 : Module
    {
        protected override Tensor ForwardCore(Tensor input) => input.To(DType.Float32);
    }

    private sealed class TwoHeads : Module
    {
        private readonly Linear _used;

        public TwoHeads(Linear used, Linear unused)
        {
            _used = RegisterModule("used", used);
            RegisterModule("unused", unused);
        }

        protected override Tensor ForwardCore(Tensor input) => _used.Forward(input);
    }
}
