using Backprop.Data;
using Backprop.Diagnostics;
using Backprop.NN;
using Backprop.Optim;
using Backprop.Random;
using Backprop.Training;

namespace Backprop.Tests.Training;

/// <summary><see cref="ModuleTrainingTask.GradientFlowEvery"/>: recording every few steps records the same numbers at those steps.</summary>
public sealed class GradientFlowEveryTests
{
    private static (Trainer Trainer, GradientFlowRecorder Flow, Sequential Model) Run(int every)
    {
        Dataset train = TwoMoons.Create(60, 0.1, 1);
        var model = new Sequential(
            new Linear(2, 8, new NumpyRandom(4)), new Activation(ActivationKind.Tanh),
            new Linear(8, 8, new NumpyRandom(5)), new Activation(ActivationKind.Relu),
            new Linear(8, 2, new NumpyRandom(6)));
        GradientFlowRecorder flow = GradientFlow.Attach(model);
        var task = new ModuleTrainingTask(model, new Adam(model.Parameters(), 0.01), train, null, batchSize: 10, shuffleSeed: 3)
        {
            GradientFlow = flow,
            GradientFlowEvery = every,
        };
        return (new Trainer(task, 2), flow, model);
    }

    [Fact]
    public void EveryThirdStepRecordsWhatEveryStepRecordsAtThoseStepsAndTheOthersRunUnhooked()
    {
        (Trainer all, GradientFlowRecorder allFlow, _) = Run(1);
        all.Run();
        (Trainer some, GradientFlowRecorder someFlow, Sequential model) = Run(3);
        var hookedSteps = new List<bool>();
        some.StepCompleted += (_, _) => hookedSteps.Add(model.Layers[1].HasHooks);
        some.Run();

        // 2 epochs of 6 steps: steps 0, 3, 6 and 9 recorded, with the very numbers of the every-step run
        // (the unhooked steps run Linear and its activation fused: the same bits).
        Assert.Equal([0, 3, 6, 9], someFlow.Steps.Select(s => s.Step));
        foreach (GradientFlowStep step in someFlow.Steps)
        {
            GradientFlowStep reference = allFlow.Steps.Single(s => s.Step == step.Step);
            Assert.Equal(reference.Layers, step.Layers);
            Assert.NotNull(step.Layers[0].SaturatedShare);
            Assert.NotNull(step.Layers[1].DeadShare);
            Assert.NotNull(step.Layers[2].UpdateRatioLog10);
        }
        // The hooks are on for the recorded steps alone (and still on after the last one, step 9, until the next step).
        Assert.Equal([true, false, false, true, false, false, true, false, false, true, false, false], hookedSteps);
        allFlow.Dispose();
        someFlow.Dispose();
    }
}
