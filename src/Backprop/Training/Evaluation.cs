using Backprop.Memory;
using Backprop.Data;
using Backprop.NN;

namespace Backprop.Training;

/// <summary>Loss and accuracy of a model on a data set, computed without recording a graph.</summary>
public static class Evaluation
{
    /// <summary>
    /// The mean cross entropy and the share of examples whose highest logit is the label (a
    /// one-output model is read as a hinge score: class 1 when positive, loss = mean hinge).
    /// </summary>
    /// <param name="model">The model; switched to evaluation mode for the pass and restored after.</param>
    /// <param name="data">The examples.</param>
    /// <param name="batchSize">Examples per forward pass.</param>
    public static (double Loss, double Accuracy) Measure(Module model, Dataset data, int batchSize = 1000) => Measure(model, data, Score, batchSize);

    /// <summary>
    /// The mean loss and the share of examples right, as <paramref name="score"/> scores each
    /// batch (for losses other than cross entropy and hinge, e.g. a squared error on ±1 targets).
    /// </summary>
    /// <param name="model">The model; switched to evaluation mode for the pass and restored after.</param>
    /// <param name="data">The examples.</param>
    /// <param name="score">A batch's mean loss and how many it got right, from the outputs and the labels.</param>
    /// <param name="batchSize">Examples per forward pass.</param>
    public static (double Loss, double Accuracy) Measure(Module model, Dataset data, Func<Tensor, Tensor, (double Loss, long Correct)> score, int batchSize = 1000)
    {
        ArgumentNullException.ThrowIfNull(score);
        bool wasTraining = model.IsTraining;
        model.Eval();
        double lossSum = 0;
        long correct = 0;
        using (Autograd.NoGrad())
        {
            using IEnumerator<Batch> batches = new DataLoader(data, Math.Max(1, batchSize)).GetEnumerator();
            while (true)
            {
                using TensorScope scope = Tensor.Scope();
                if (!batches.MoveNext()) break;
                Batch batch = batches.Current;
                Tensor output = model.Forward(batch.Features);
                (double loss, long right) = score(output, batch.Labels);
                lossSum += loss * batch.Count;
                correct += right;
            }
        }
        if (wasTraining) model.Train();
        return (lossSum / data.Count, (double)correct / data.Count);
    }

    /// <summary>Loss and accuracy of <paramref name="model"/> on the training and (when given) test data, as one epoch's metrics.</summary>
    /// <param name="model">The model.</param>
    /// <param name="train">The training examples.</param>
    /// <param name="test">The test examples, or null.</param>
    /// <param name="epoch">The number the metrics carry.</param>
    /// <param name="score">How a batch is scored; null for <see cref="Score"/> (cross entropy, or hinge for one output).</param>
    public static EpochMetrics Epoch(Module model, Dataset train, Dataset? test, int epoch, Func<Tensor, Tensor, (double Loss, long Correct)>? score = null)
    {
        score ??= Score;
        (double trainLoss, double trainAccuracy) = Measure(model, train, score);
        (double? testLoss, double? testAccuracy) = (null, null);
        if (test is not null) (testLoss, testAccuracy) = Measure(model, test, score);
        return new EpochMetrics(epoch, trainLoss, trainAccuracy, testLoss, testAccuracy);
    }

    /// <summary>The mean loss of one batch's outputs and how many it classified right.</summary>
    /// <param name="output">The model's outputs, [N, classes] logits or [N, 1] hinge scores.</param>
    /// <param name="labels">The classes, Int64 [N].</param>
    public static (double Loss, long Correct) Score(Tensor output, Tensor labels)
    {
        long[] truth = labels.ToArray<long>();
        if (output.Shape[^1] == 1)
        {
            Tensor signs = SignsOf(labels, output.DType);
            double hinge = Losses.Hinge(output, signs).Item();
            float[] scores = output.ToFloatArray();
            long right = 0;
            for (int i = 0; i < truth.Length; i++) right += (scores[i] > 0) == (truth[i] == 1) ? 1 : 0;
            return (hinge, right);
        }
        double ce = Losses.CrossEntropy(output, labels).Item();
        return (ce, Metrics.Correct(output, labels));
    }

    /// <summary>Labels 0/1 as hinge targets -1/+1, shaped [N, 1].</summary>
    /// <param name="labels">The classes, Int64 [N].</param>
    /// <param name="dtype">The element type of the targets.</param>
    public static Tensor SignsOf(Tensor labels, DType dtype)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.DType != DType.Int64 || labels.Rank != 1)
            throw new ArgumentException($"SignsOf: labels must be Int64 [N], got {labels.DType} {ShapeMath.Format(labels.ShapeArray)}", nameof(labels));
        if (dtype == DType.Int64) throw new ArgumentException("SignsOf: the targets must be Float32 or Float64", nameof(dtype));
        // Written straight into the targets (evaluation runs after every epoch, and a
        // playground's epochs are a fraction of a millisecond).
        ReadOnlySpan<long> classes = Kernels.StridedCopy.ToContiguous(labels).Span<long>();
        Tensor signs = Tensor.Uninitialized(dtype, [classes.Length, 1]);
        if (dtype == DType.Float32)
        {
            Span<float> s = signs.Span<float>();
            for (int i = 0; i < s.Length; i++) s[i] = classes[i] == 1 ? 1f : -1f;
        }
        else
        {
            Span<double> s = signs.Span<double>();
            for (int i = 0; i < s.Length; i++) s[i] = classes[i] == 1 ? 1.0 : -1.0;
        }
        return signs;
    }
}
