using Backprop.Playground.Runs;
using Backprop.Training;

namespace Backprop.Playground.Tests.Runs;

/// <summary>The run's task watches the last step of each epoch alone, and never leaves its hooks on.</summary>
public sealed class LastStepObservedTaskTests
{
    private sealed class Inner(double[] losses) : TrainingTask
    {
        public List<string> Calls { get; } = [];
        private int _next;
        public override int StepsPerEpoch => 3;
        public override void BeginEpoch(int epoch) => Calls.Add($"begin {epoch}");
        public override double ComputeGradients(int epoch, int step, int globalStep)
        {
            Calls.Add($"grad {globalStep}");
            return losses[_next++];
        }
        public override void Update(int globalStep) => Calls.Add($"update {globalStep}");
        public override EpochMetrics Evaluate(int epoch) => new(epoch, 1, 1, null, null);
        public override void RememberWeights() { }
        public override void RestoreWeights() { }
        public override bool WeightsAreFinite() => true;
        public override void End() => Calls.Add("end");
    }

    private sealed class Observer(List<string> calls) : IStepObserver
    {
        public void StartObserving() => calls.Add("start");
        public void GradientsComputed(int globalStep) => calls.Add($"gradients {globalStep}");
        public void UpdateApplied(int globalStep) => calls.Add($"updated {globalStep}");
        public void StopObserving() => calls.Add("stop");
    }

    [Fact]
    public void OnlyTheLastStepOfEachEpochIsObservedInOrder()
    {
        var inner = new Inner([1, 1, 1, 1, 1, 1]);
        new Trainer(new LastStepObservedTask(inner, new Observer(inner.Calls)), 2).Run();
        string[] epoch(int e, int g) =>
            [$"begin {e}", $"grad {g}", $"update {g}", $"grad {g + 1}", $"update {g + 1}",
             "start", $"grad {g + 2}", $"gradients {g + 2}", $"update {g + 2}", $"updated {g + 2}", "stop"];
        Assert.Equal([.. epoch(1, 0), .. epoch(2, 3), "end"], inner.Calls);
    }

    [Fact]
    public void AnObservedStepWithANonFiniteLossStopsObservingWithoutAnUpdate()
    {
        // The trainer stops at a NaN loss before the update: the observation must still end.
        var inner = new Inner([1, 1, double.NaN]);
        TrainingResult result = new Trainer(new LastStepObservedTask(inner, new Observer(inner.Calls)), 1).Run();
        Assert.Equal(TrainingOutcome.Diverged, result.Outcome);
        Assert.Equal(["begin 1", "grad 0", "update 0", "grad 1", "update 1", "start", "grad 2", "gradients 2", "stop", "end"], inner.Calls);
    }
}
