using Backprop.Data;
using Backprop.NN;
using Backprop.Optim;
using Backprop.Random;
using Backprop.Training;

namespace Backprop.Tests.Training;

/// <summary>The library's one training loop: events, evaluation, cancellation and the stop at a loss that is not finite.</summary>
public sealed class TrainerTests
{
    private static (Mlp Model, ModuleTrainingTask Task) Setup(double learningRate, uint seed = 1)
    {
        Dataset data = TwoMoons.Create(64, 0.1, seed);
        var model = new Mlp([2, 8, 2], ActivationKind.Relu, new NumpyRandom(seed));
        var optimizer = new Sgd(model.Parameters(), learningRate);
        return (model, new ModuleTrainingTask(model, optimizer, data, null, batchSize: 16, shuffleSeed: 2));
    }

    [Fact]
    public void RaisesEventsInOrderAndEvaluatesEveryEpoch()
    {
        (_, ModuleTrainingTask task) = Setup(0.1);
        var trainer = new Trainer(task, 3) { CheckpointEvery = 2 };
        var log = new List<string>();
        trainer.Started += (_, p) => log.Add($"start {p.Epochs}x{p.StepsPerEpoch}");
        trainer.StepCompleted += (_, s) => log.Add($"step {s.Epoch}.{s.Step}");
        trainer.EpochCompleted += (_, e) => log.Add($"epoch {e.Metrics.Epoch}");
        trainer.Checkpoint += (_, e) => log.Add($"checkpoint {e.Metrics.Epoch}");
        TrainingResult result = trainer.Run();
        Assert.Equal(TrainingOutcome.Completed, result.Outcome);
        Assert.Equal(12, result.Steps);
        Assert.Equal(3, result.Epochs.Count);
        Assert.Same(result.Epochs[^1], result.Final);
        Assert.Equal("start 3x4", log[0]);
        Assert.Equal(["step 1.1", "step 1.2", "step 1.3", "step 1.4", "epoch 1"], log.Skip(1).Take(5));
        Assert.Contains("checkpoint 2", log);
        Assert.DoesNotContain("checkpoint 3", log);
    }

    [Fact]
    public void ANonFiniteLossStopsTheRunAndKeepsTheWeightsOfTheLastFiniteStep()
    {
        (Mlp model, ModuleTrainingTask task) = Setup(1e30);
        var trainer = new Trainer(task, 5);
        TrainingResult result = trainer.Run();
        Assert.Equal(TrainingOutcome.Diverged, result.Outcome);
        Assert.NotNull(result.Divergence);
        Assert.False(double.IsFinite(result.Divergence!.Loss));
        Assert.Equal(1, result.Divergence.Epoch);
        Assert.True(model.Parameters().All(p => p.ToFloatArray().All(float.IsFinite)));
        Assert.NotNull(result.Final);
        Assert.True(double.IsFinite(result.Final!.TrainLoss), "the kept weights give a finite loss");
    }

    [Fact]
    public void ADivergedRunEndsWithTheWeightsFromBeforeTheLastUpdateBitForBit()
    {
        // The loss that is not finite was computed with the weights the last update made; the
        // run undoes that update, so the weights are those seen after the update before it.
        (Mlp model, ModuleTrainingTask task) = Setup(1e30);
        var snapshots = new List<float[][]> { Snapshot(model) };
        var trainer = new Trainer(task, 5);
        trainer.StepCompleted += (_, _) => snapshots.Add(Snapshot(model));
        TrainingResult result = trainer.Run();
        Assert.Equal(TrainingOutcome.Diverged, result.Outcome);
        Assert.True(snapshots.Count >= 2, "at least one update ran before the loss stopped being finite");
        float[][] expected = snapshots[^2], now = Snapshot(model);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], now[i]);
    }

    private static float[][] Snapshot(Module model) => [.. model.Parameters().Select(p => p.ToArray<float>())];

    [Fact]
    public void CancellationStopsAfterTheCurrentStepAndScoresTheWeightsKept()
    {
        (_, ModuleTrainingTask task) = Setup(0.1);
        using var cancel = new CancellationTokenSource();
        var trainer = new Trainer(task, 10);
        trainer.StepCompleted += (_, s) => { if (s.GlobalStep == 6) cancel.Cancel(); };
        TrainingResult result = trainer.Run(cancel.Token);
        Assert.Equal(TrainingOutcome.Cancelled, result.Outcome);
        Assert.Equal(6, result.Steps);
        Assert.Single(result.Epochs); // epoch 2 was cut short after 2 of 4 steps
        Assert.NotNull(result.Final);
        Assert.NotSame(result.Epochs[0], result.Final);
    }

    [Fact]
    public void TheScalarEngineRunsInTheSameLoop()
    {
        Dataset data = TwoMoons.Create(100, 0.1, 1);
        var task = new ScalarTrainingTask(data, null, [16, 16], 1.0, 100, 0, new NumpyRandom(1));
        TrainingResult result = new Trainer(task, 100).Run();
        Assert.Equal(1.0, result.Final!.TrainAccuracy); // micrograd's demo: 100% within 100 steps
    }

    [Fact]
    public void TheScalarEngineRefusesMoreThanTwoClasses()
    {
        Dataset data = Spirals.Create(10, 3, 0.2, 1);
        var e = Assert.Throws<ArgumentException>(() => new ScalarTrainingTask(data, null, [4], 1.0, 1, 0, new NumpyRandom(1)));
        Assert.Contains("3 classes", e.Message);
    }

    [Fact]
    public void WeightsThatScoreNaNAfterAnEpochStopTheRunToo()
    {
        // The scalar engine's loss is a double; at a rate of 1e30 it stays finite while the float32 evaluation overflows.
        Dataset data = TwoMoons.Create(100, 0.1, 1);
        var task = new ScalarTrainingTask(data, null, [8], 1e30, 3, 0, new NumpyRandom(1));
        TrainingResult result = new Trainer(task, 3).Run();
        Assert.Equal(TrainingOutcome.Diverged, result.Outcome);
        Assert.True(result.DivergedInEvaluation);
        Assert.Empty(result.Epochs);
        Assert.True(double.IsFinite(result.Final!.TrainLoss));
    }
}
