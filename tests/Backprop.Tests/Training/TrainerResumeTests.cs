using Backprop.Data;
using Backprop.NN;
using Backprop.Optim;
using Backprop.Random;
using Backprop.Training;

namespace Backprop.Tests.Training;

/// <summary>The trainer run a few epochs at a time, as the playground steps it: numbering carries on and the weights match one long run.</summary>
public sealed class TrainerResumeTests
{
    private static (Mlp Model, ModuleTrainingTask Task, Sgd Optimizer) Setup(uint seed = 1)
    {
        Dataset data = TwoMoons.Create(64, 0.1, seed);
        var model = new Mlp([2, 8, 2], ActivationKind.Tanh, new NumpyRandom(seed));
        var optimizer = new Sgd(model.Parameters(), 0.1);
        return (model, new ModuleTrainingTask(model, optimizer, data, null, batchSize: 16, shuffleSeed: 2), optimizer);
    }

    [Fact]
    public void ContinuingOneEpochAtATimeNumbersOnAndEndsWithTheWeightsOfOneLongRun()
    {
        (Mlp whole, ModuleTrainingTask wholeTask, _) = Setup();
        TrainingResult once = new Trainer(wholeTask, 3).Run();

        (Mlp stepped, ModuleTrainingTask task, _) = Setup();
        var trainer = new Trainer(task, 1);
        var steps = new List<(int Epoch, int Global)>();
        trainer.StepCompleted += (_, s) => steps.Add((s.Epoch, s.GlobalStep));
        TrainingResult first = trainer.Continue(1);
        TrainingResult rest = trainer.Continue(2);

        Assert.Equal(4, first.Steps);
        Assert.Equal(8, rest.Steps);
        Assert.Equal([2, 3], rest.Epochs.Select(e => e.Epoch));
        Assert.Equal(3, trainer.CompletedEpochs);
        Assert.Equal(12, trainer.CompletedSteps);
        Assert.Equal([(1, 1), (1, 4), (2, 5), (3, 12)], new[] { steps[0], steps[3], steps[4], steps[11] });
        Assert.Equal(once.Final!.TrainLoss, rest.Final!.TrainLoss);
        Assert.Equal(whole.Parameters().SelectMany(p => p.ToFloatArray()), stepped.Parameters().SelectMany(p => p.ToFloatArray()));
    }

    [Fact]
    public void ANewTrainerOverANewTaskCarriesTheNumberingOn()
    {
        (Mlp model, ModuleTrainingTask task, Sgd optimizer) = Setup();
        var trainer = new Trainer(task, 2);
        trainer.Run();
        var next = new ModuleTrainingTask(model, optimizer, TwoMoons.Create(64, 0.1, 1), null, batchSize: 32, shuffleSeed: 3);
        var resumed = new Trainer(next, 1) { CompletedEpochs = trainer.CompletedEpochs, CompletedSteps = trainer.CompletedSteps };
        int lastGlobal = 0;
        resumed.StepCompleted += (_, s) => lastGlobal = s.GlobalStep;
        TrainingResult result = resumed.Run();
        Assert.Equal(3, result.Epochs.Single().Epoch);
        Assert.Equal(2, result.Steps); // 64 examples in batches of 32
        Assert.Equal(10, lastGlobal);
        Assert.Equal(10, resumed.CompletedSteps);
    }

    [Fact]
    public void AClipNormKeepsEveryUpdateWithinTheNormTimesTheRate()
    {
        (Mlp model, _, Sgd optimizer) = Setup();
        var task = new ModuleTrainingTask(model, optimizer, TwoMoons.Create(64, 0.1, 1), null, batchSize: 16, shuffleSeed: 2) { ClipNorm = 0.01 };
        var trainer = new Trainer(task, 1);
        float[] before = [.. model.Parameters().SelectMany(p => p.ToFloatArray())];
        double largest = 0;
        trainer.StepCompleted += (_, _) =>
        {
            float[] after = [.. model.Parameters().SelectMany(p => p.ToFloatArray())];
            largest = Math.Max(largest, Math.Sqrt(after.Zip(before, (a, b) => (double)(a - b) * (a - b)).Sum()));
            before = after;
        };
        trainer.Run();
        Assert.InRange(largest, 0.1 * 0.01 * 0.99, 0.1 * 0.01 * 1.0001); // SGD: ‖ΔW‖ = rate · ‖clipped gradient‖ ≤ 0.1 · 0.01
    }

    [Fact]
    public void ACustomScoreIsWhatTheEvaluationReports()
    {
        (Mlp model, _, Sgd optimizer) = Setup();
        var task = new ModuleTrainingTask(model, optimizer, TwoMoons.Create(64, 0.1, 1), null, batchSize: 16, shuffleSeed: 2)
        {
            Score = (output, labels) => (42, labels.Shape[0] / 2),
        };
        EpochMetrics metrics = task.Evaluate(7);
        Assert.Equal(42, metrics.TrainLoss);
        Assert.Equal(0.5, metrics.TrainAccuracy);
        Assert.Equal(7, metrics.Epoch);
    }

    [Fact]
    public void TheIdentityActivationPassesValuesAndGradientsThrough()
    {
        Assert.Equal(ActivationKind.Identity, Activation.Parse("linear"));
        var x = new Parameter(Tensor.FromArray(new float[] { -2, 0.5f, 3 }, 3));
        Tensor y = new Activation(ActivationKind.Identity).Forward(x);
        Assert.Equal([-2f, 0.5f, 3f], y.ToFloatArray());
        (y * y).Sum().Backward();
        Assert.Equal([-4f, 1f, 6f], x.Grad!.ToFloatArray());
    }
}
