using Backprop.NN;
using Backprop.Plots;

namespace Backprop.Cli.Training;

/// <summary>Draws what a trained model predicts over the plane, with the training points on top (micrograd's demo picture).</summary>
public static class DecisionBoundary
{
    /// <summary>Writes the picture for a 2-D data set.</summary>
    /// <param name="path">The PNG file.</param>
    /// <param name="model">The trained model (one output: a hinge score; more: logits).</param>
    /// <param name="data">The data; its training points are drawn.</param>
    public static void Save(string path, Mlp model, DataSource data)
    {
        float[] features = data.Train.Features.ToFloatArray();
        long[] labels = data.Train.Labels.ToArray<long>();
        double[][] points = Enumerable.Range(0, labels.Length).Select(i => new double[] { features[2 * i], features[2 * i + 1] }).ToArray();
        TrainingPlots.SaveDecisionBoundary(path, grid => Predict(model, grid), points, labels.Select(l => (int)l).ToArray(),
            data.Train.Classes, $"Decision boundary: {data.Name}");
    }

    private static int[] Predict(Mlp model, double[,] grid)
    {
        int n = grid.GetLength(0);
        var flat = new float[n * 2];
        for (int i = 0; i < n; i++)
        {
            flat[2 * i] = (float)grid[i, 0];
            flat[2 * i + 1] = (float)grid[i, 1];
        }
        using (Autograd.NoGrad())
        {
            Tensor output = model.Forward(Tensor.FromArray(flat, n, 2));
            if (output.Shape[1] == 1) return output.ToFloatArray().Select(s => s > 0 ? 1 : 0).ToArray();
            return output.Argmax(1).ToArray<long>().Select(c => (int)c).ToArray();
        }
    }
}
