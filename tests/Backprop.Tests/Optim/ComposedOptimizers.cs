using Backprop.Optim;

namespace Backprop.Tests.Optim;

// The optimizers as they were before their updates were fused into one kernel each: whole-tensor
// ops composed, one rounding per op. Kept verbatim (bar names) as the reference the fused
// kernels must match bit for bit (FusedOptimizerTests).

/// <summary>SGD composed from tensor ops.</summary>
internal sealed class ComposedSgd(IEnumerable<Tensor> parameters, double learningRate, double momentum = 0, double weightDecay = 0, bool nesterov = false, double dampening = 0)
    : Optimizer(parameters, learningRate)
{
    private readonly Tensor?[] _momentumBuffers = new Tensor?[parameters.Count()];

    protected override void Update(int index, Tensor parameter, Tensor gradient)
    {
        Tensor d = weightDecay != 0 ? gradient + parameter * weightDecay : gradient;
        if (momentum != 0)
        {
            Tensor? buffer = _momentumBuffers[index];
            if (buffer is null) buffer = _momentumBuffers[index] = ShapeOps.Copy(d);
            else buffer.MulInPlace(momentum).AddInPlace(d, 1 - dampening);
            d = nesterov ? d + buffer * momentum : buffer;
        }
        parameter.AddInPlace(d, -LearningRate);
    }
}

/// <summary>Adam (or, decoupled, AdamW) composed from tensor ops.</summary>
internal sealed class ComposedAdam(IEnumerable<Tensor> parameters, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0, bool decoupled = false)
    : Optimizer(parameters, learningRate)
{
    private readonly Tensor?[] _m = new Tensor?[parameters.Count()];
    private readonly Tensor?[] _v = new Tensor?[parameters.Count()];

    protected override void Update(int index, Tensor parameter, Tensor gradient)
    {
        Tensor g = gradient;
        if (decoupled && weightDecay != 0) parameter.MulInPlace(1 - LearningRate * weightDecay);
        else if (weightDecay != 0) g = gradient + parameter * weightDecay;
        Tensor m = State(_m, index, parameter).MulInPlace(beta1).AddInPlace(g, 1 - beta1);
        Tensor v = State(_v, index, parameter).MulInPlace(beta2).AddInPlace(g * g, 1 - beta2);
        double biasCorrection1 = 1 - Math.Pow(beta1, Steps);
        double biasCorrection2 = 1 - Math.Pow(beta2, Steps);
        Tensor denominator = v.Sqrt() / Math.Sqrt(biasCorrection2) + eps;
        parameter.AddInPlace(m / denominator, -LearningRate / biasCorrection1);
    }
}

/// <summary>RMSprop composed from tensor ops.</summary>
internal sealed class ComposedRmsProp(IEnumerable<Tensor> parameters, double learningRate = 0.01, double alpha = 0.99, double eps = 1e-8, double weightDecay = 0, double momentum = 0, bool centered = false)
    : Optimizer(parameters, learningRate)
{
    private readonly Tensor?[] _square = new Tensor?[parameters.Count()];
    private readonly Tensor?[] _average = new Tensor?[parameters.Count()];
    private readonly Tensor?[] _momentum = new Tensor?[parameters.Count()];

    protected override void Update(int index, Tensor parameter, Tensor gradient)
    {
        Tensor g = weightDecay != 0 ? gradient + parameter * weightDecay : gradient;
        Tensor s = State(_square, index, parameter).MulInPlace(alpha).AddInPlace(g * g, 1 - alpha);
        Tensor denominator;
        if (centered)
        {
            Tensor a = State(_average, index, parameter).MulInPlace(alpha).AddInPlace(g, 1 - alpha);
            denominator = (s - a * a).Sqrt() + eps;
        }
        else
        {
            denominator = s.Sqrt() + eps;
        }
        if (momentum > 0)
        {
            Tensor b = State(_momentum, index, parameter).MulInPlace(momentum).AddInPlace(g / denominator);
            parameter.AddInPlace(b, -LearningRate);
        }
        else
        {
            parameter.AddInPlace(g / denominator, -LearningRate);
        }
    }
}
