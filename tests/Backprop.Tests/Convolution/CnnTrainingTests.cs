using Backprop.Data;
using Backprop.Diagnostics;
using Backprop.NN;
using Backprop.Optim;
using Backprop.Random;
using Backprop.Tests.Data;
using Backprop.Training;

namespace Backprop.Tests.Convolution;

/// <summary>The CNN on real digits: it must learn more from the same examples and steps than the MLP does.</summary>
public class CnnTrainingTests
{
    private static double TestAccuracy(Module model, Dataset train, Dataset test)
    {
        var optimizer = new Adam(model.Parameters(), 2e-3);
        var task = new ModuleTrainingTask(model, optimizer, train, test, batchSize: 32, shuffleSeed: 2);
        TrainingResult result = new Trainer(task, epochs: 2).Run();
        return result.Final!.TestAccuracy!.Value;
    }

    [MnistFact]
    public void ACnnBeatsTheMlpOnASubset()
    {
        (Dataset train, Dataset test) = Mnist.Load(MnistData.Images, MnistData.Labels).Split(0.2);
        train = train.Subset(0, 1500);
        test = test.Subset(0, 500);
        double mlp = TestAccuracy(new Mlp([784, 64, 10], ActivationKind.Relu, new NumpyRandom(1)), train, test);
        double cnn = TestAccuracy(new Cnn(28, [8, 16], 10, new NumpyRandom(1)), train, test);
        Assert.True(cnn > mlp, $"CNN {cnn:P1} should beat the MLP's {mlp:P1} on the same 1,500 digits and steps");
        Assert.True(cnn > 0.85, $"CNN reached only {cnn:P1}");
    }

    [Fact]
    public void GradientFlowRecordsConvolutionLayers()
    {
        var random = new NumpyRandom(3);
        var model = new Cnn(8, [4, 6], 3, random);
        using GradientFlowRecorder flow = GradientFlow.Attach(model);
        Assert.Equal(["1", "5", "10"], flow.LayerNames);
        Tensor x = Tensor.Randn(random, 5, 64);
        Losses.CrossEntropy(model.Forward(x), Tensor.FromArray(new long[] { 0, 1, 2, 0, 1 })).Backward();
        GradientFlowStep step = flow.RecordGradients(0);
        Assert.Equal(3, step.Layers.Count);
        Assert.Equal((1, 4), (step.Layers[0].InFeatures, step.Layers[0].OutFeatures));
        Assert.All(step.Layers, l => Assert.True(l.MeanAbsGrad > 0 && double.IsFinite(l.MaxAbsGrad), $"layer {l.Name}: mean |grad| {l.MeanAbsGrad}"));
        Assert.Equal(ActivationKind.Relu, step.Layers[0].Activation);
        Assert.NotNull(step.Layers[0].DeadShare); // measured per channel of the convolution's output
    }
}
