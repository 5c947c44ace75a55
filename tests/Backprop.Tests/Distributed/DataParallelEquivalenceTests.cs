using Backprop.Data;
using Backprop.Distributed;
using Backprop.Memory;
using Backprop.NN;
using Backprop.Optim;
using Backprop.Random;
using Backprop.Tests.Data;
using Backprop.Training;
using static Backprop.Tests.Distributed.DistributedTestModels;

namespace Backprop.Tests.Distributed;

/// <summary>
/// What data parallelism promises: N ranks with batch B each take the same steps as one process
/// with batch N·B (the mean of the ranks' mean gradients is the mean over the whole batch), and
/// the same seed and rank count give the same bits.
/// </summary>
public sealed class DataParallelEquivalenceTests
{
    private static readonly Dataset Moons = TwoMoons.Create(1000, 0.1, 5);

    /// <summary>
    /// Trains a float64 MLP for one epoch through the library's Trainer: with <paramref name="ranks"/>
    /// in-process ranks (DDP, sampler, averaged loss), or with none (the plain loop, whole batches).
    /// Each rank starts from weights of its own seed: DDP must replace them by rank 0's.
    /// </summary>
    private static IReadOnlyList<double[][]> TrainMlp(int ranks, int batch, long bucketBytes = 1024)
    {
        Module Model(uint seed) => new Sequential(new AsFloat64(), new Mlp([2, 16, 16, 2], ActivationKind.Tanh, new NumpyRandom(seed), dtype: DType.Float64));
        if (ranks == 0)
        {
            Module model = Model(3);
            var loader = new DataLoader(Moons, batch, new DistributedSampler(Moons.Count, 0, 1, seed: 11));
            TrainingResult result = new Trainer(new ModuleTrainingTask(model, new Sgd(model.Parameters(), 0.1, momentum: 0.9), loader, null), 1).Run();
            Assert.Equal(50, result.Steps);
            return [Weights(model)];
        }
        return InProcessCommunicator.Run(ranks, c =>
        {
            Module model = Model(3 + (uint)c.Rank * 100);
            using var ddp = new DistributedDataParallel(model, c, bucketBytes);
            var loader = new DataLoader(Moons, batch, new DistributedSampler(Moons.Count, c, seed: 11));
            var task = new ModuleTrainingTask(ddp, new Sgd(ddp.Parameters(), 0.1, momentum: 0.9), loader, null) { ReduceLoss = l => c.AllReduce(l, ReduceOp.Mean) };
            TrainingResult result = new Trainer(task, 1).Run();
            Assert.Equal(Moons.Count / (ranks * batch), result.Steps);
            return Weights(model);
        });
    }

    [Fact]
    public void TwoRanksWithBatch10MatchOneProcessWithBatch20After50StepsOfTheMlp()
    {
        double[][] single = TrainMlp(0, 20)[0];
        IReadOnlyList<double[][]> ranks = TrainMlp(2, 10);
        Assert.Equal(ranks[0], ranks[1]); // the ranks' weights are identical, bit for bit
        double difference = RelativeDifference(ranks[0], single);
        Assert.True(difference < 1e-6, $"relative difference {difference:E2}");
        // ... and the test can tell: the weights moved far from where they started, and one rank alone (batch 10) differs.
        Assert.True(RelativeDifference(Weights(new Mlp([2, 16, 16, 2], ActivationKind.Tanh, new NumpyRandom(3), dtype: DType.Float64)), single) > 0.1);
        Assert.True(RelativeDifference(TrainMlp(1, 10)[0], single) > 1e-3);
    }

    [Fact]
    public void FourRanksMatchToo()
    {
        double[][] single = TrainMlp(0, 20)[0];
        IReadOnlyList<double[][]> ranks = TrainMlp(4, 5, bucketBytes: 300);
        double difference = RelativeDifference(ranks[3], single);
        Assert.True(difference < 1e-6, $"relative difference {difference:E2}");
    }

    [Fact]
    public void TheSameSeedAndRankCountGiveBitIdenticalWeights() => Assert.Equal(TrainMlp(2, 10)[0], TrainMlp(2, 10)[0]);

    [Fact]
    public void TwoRanksMatchOneProcessAfter50StepsOfTheCnn()
    {
        // Batch norm's statistics are per rank, as in PyTorch without SyncBatchNorm: the CNN's
        // batch-norm layers use their running statistics here (their scale and shift still
        // train), so that the whole batch and its two halves are the same computation.
        (Dataset digits, _) = Mnist.LoadFolder(MnistData.Folder);
        Dataset data = digits.Subset(0, 400);
        Module Model(uint seed)
        {
            var model = new Sequential(new AsFloat64(), new Cnn(28, [4], 10, new NumpyRandom(seed), DType.Float64));
            model.Train();
            foreach ((_, Module m) in model.NamedModules()) if (m is BatchNorm) m.Eval();
            return model;
        }
        static void Train(Module model, DataLoader loader, Optimizer optimizer)
        {
            loader.Sampler!.SetEpoch(1);
            int steps = 0;
            foreach (Batch batch in loader)
            {
                using TensorScope scope = Tensor.Scope();
                optimizer.ZeroGrad();
                Losses.CrossEntropy(model.Forward(batch.Features), batch.Labels).Backward();
                optimizer.Step();
                steps++;
            }
            Assert.Equal(50, steps);
        }
        Module alone = Model(4);
        Train(alone, new DataLoader(data, 8, new DistributedSampler(400, 0, 1, seed: 9)), new Sgd(alone.Parameters(), 0.05, momentum: 0.9));
        double[][] single = Weights(alone);
        IReadOnlyList<double[][]> ranks = InProcessCommunicator.Run(2, c =>
        {
            Module model = Model(4 + (uint)c.Rank);
            using var ddp = new DistributedDataParallel(model, c);
            Train(ddp, new DataLoader(data, 4, new DistributedSampler(400, c, seed: 9)), new Sgd(ddp.Parameters(), 0.05, momentum: 0.9));
            return Weights(model);
        });
        Assert.Equal(ranks[0], ranks[1]);
        double difference = RelativeDifference(ranks[0], single);
        Assert.True(difference < 1e-6, $"relative difference {difference:E2}");
        Assert.True(RelativeDifference(Weights(Model(4)), single) > 1e-3);
    }
}
