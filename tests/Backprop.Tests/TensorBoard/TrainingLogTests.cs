using Backprop.Data;
using Backprop.NN;
using Backprop.Optim;
using Backprop.TensorBoard;
using Backprop.Training;

namespace Backprop.Tests.TensorBoard;

/// <summary>TrainingLog on the library's Trainer: per epoch, the metrics the trainer reports, the rate, and every weight and gradient.</summary>
public sealed class TrainingLogTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("backprop-tblog-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void EachEpochLogsItsMetricsTheRateAndTheHistogramsOfTheLastStepsGradients()
    {
        var model = new Mlp([2, 8, 3], ActivationKind.Tanh, new Backprop.Random.NumpyRandom(3));
        (Dataset train, Dataset test) = Spirals.Create(40, classes: 3, noise: 0.2, seed: 0).Split(0.25);
        var optimizer = new Sgd(model.Parameters(), 0.2);
        var task = new ModuleTrainingTask(model, optimizer, train, test, batchSize: 30, shuffleSeed: 2)
        {
            Schedule = new CosineSchedule(optimizer, 3 * 3),
        };
        var trainer = new Trainer(task, epochs: 3);
        var gradientMaxima = new List<double[]>();
        var rates = new List<double>();
        using var writer = new SummaryWriter(_dir);
        using (TrainingLog.Attach(trainer, writer, model, optimizer))
        {
            // Subscribed after the log: sees the same gradients and rate the log just wrote.
            trainer.EpochCompleted += (_, _) =>
            {
                gradientMaxima.Add([.. model.Parameters().Select(p => p.Grad!.ToDoubleArray().Max())]);
                rates.Add(optimizer.LearningRate);
            };
            TrainingResult result = trainer.Run();
            Assert.Equal(TrainingOutcome.Completed, result.Outcome);

            List<EventView> events = EventFileReader.Read(writer.FilePath);
            string[] names = [.. model.NamedParameters().Select(p => p.Name)];
            string[] perEpoch =
            [
                "loss/train", "accuracy/train", "loss/test", "accuracy/test", "learning_rate",
                .. names.SelectMany(n => new[] { $"weights/{n}", $"gradients/{n}" }),
            ];
            Assert.Equal(1 + 3 * perEpoch.Length, events.Count);
            for (int epoch = 1; epoch <= 3; epoch++)
            {
                EventView[] mine = [.. events.Skip(1 + (epoch - 1) * perEpoch.Length).Take(perEpoch.Length)];
                Assert.All(mine, e => Assert.Equal(epoch, e.Step));
                Assert.Equal(perEpoch, mine.Select(e => Assert.Single(e.Values).Tag));
                EpochMetrics m = result.Epochs[epoch - 1];
                Assert.Equal([(float)m.TrainLoss, (float)m.TrainAccuracy, (float)m.TestLoss!.Value, (float)m.TestAccuracy!.Value, (float)rates[epoch - 1]],
                    mine.Take(5).Select(e => e.Values[0].Scalar!.Value));
                double[] gradientMax = [.. mine.Where(e => e.Values[0].Tag.StartsWith("gradients/", StringComparison.Ordinal)).Select(e => e.Values[0].Histogram!.Max)];
                Assert.Equal(gradientMaxima[epoch - 1], gradientMax);
            }
            Assert.True(rates[2] < rates[0], "the cosine schedule lowers the logged rate");
        }
        // Detached: another run logs nothing more.
        int count = EventFileReader.Read(writer.FilePath).Count;
        new Trainer(task, epochs: 1) { CompletedEpochs = 3 }.Run();
        Assert.Equal(count, EventFileReader.Read(writer.FilePath).Count);
    }
}
