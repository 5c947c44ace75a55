using Backprop.Data;
using Backprop.NN;
using Backprop.Optim;
using Backprop.Random;
using Backprop.Training;

namespace Backprop.Tests.Training;

/// <summary><see cref="TrainMetrics.Running"/>: the training split's figures from the epoch's own steps instead of a second pass.</summary>
public sealed class RunningMetricsTests
{
    private static ModuleTrainingTask Task(double learningRate, TrainMetrics metrics, out Mlp model, out Dataset test)
    {
        Dataset train = TwoMoons.Create(64, 0.1, 1);
        test = TwoMoons.Create(40, 0.1, 2);
        model = new Mlp([2, 8, 2], ActivationKind.Relu, new NumpyRandom(1));
        // Batches of 24, 24 and 16: the mean must weigh each batch by its examples.
        return new ModuleTrainingTask(model, new Sgd(model.Parameters(), learningRate), train, test, batchSize: 24, shuffleSeed: 2) { TrainMetrics = metrics };
    }

    [Fact]
    public void TheTrainingLossIsTheMeanOfTheEpochsStepLossesWeighedByBatch()
    {
        ModuleTrainingTask task = Task(0.1, TrainMetrics.Running, out Mlp model, out Dataset test);
        var trainer = new Trainer(task, 2);
        var losses = new List<double>();
        trainer.StepCompleted += (_, s) => { if (s.Epoch == 2) losses.Add(s.Loss); };
        TrainingResult result = trainer.Run();
        Assert.Equal(3, losses.Count);
        double expected = (losses[0] * 24 + losses[1] * 24 + losses[2] * 16) / 64;
        Assert.Equal(expected, result.Epochs[1].TrainLoss, 12);
        // The test split is scored with the final weights, as in the default mode.
        (double testLoss, double testAccuracy) = Evaluation.Measure(model, test);
        Assert.Equal(testLoss, result.Epochs[1].TestLoss);
        Assert.Equal(testAccuracy, result.Epochs[1].TestAccuracy);
    }

    [Fact]
    public void WithWeightsThatDoNotMoveItAgreesWithTheEvaluation()
    {
        // Learning rate 0 and no dropout: the steps see the weights the evaluation sees, so the
        // running figures are the evaluated ones (up to the order of the sums).
        EpochMetrics running = new Trainer(Task(0, TrainMetrics.Running, out _, out _), 1).Run().Epochs[0];
        EpochMetrics evaluated = new Trainer(Task(0, TrainMetrics.Evaluate, out _, out _), 1).Run().Epochs[0];
        Assert.Equal(evaluated.TrainLoss, running.TrainLoss, 6);
        Assert.Equal(evaluated.TrainAccuracy, running.TrainAccuracy);
        Assert.Equal(evaluated.TestLoss, running.TestLoss);
    }
}
