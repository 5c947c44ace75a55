using System.Globalization;
using Backprop.IO;

namespace Backprop.Playground.Runs;

/// <summary>What a run can be downloaded as: the model file and the C# program.</summary>
public sealed partial class PlaygroundRun
{
    /// <summary>
    /// The model as a safetensors file in the library's <see cref="ModelFile"/> format, with the
    /// input features in its metadata, so <c>backprop eval</c> rebuilds the network and computes
    /// the same features from a data set's two columns.
    /// </summary>
    public byte[] ModelBytes()
    {
        lock (Gate)
        {
            RunSettings s = _settings;
            var metadata = new Dictionary<string, string>
            {
                ["data"] = $"playground:{s.Dataset}",
                ["seed"] = s.Seed.ToString(CultureInfo.InvariantCulture),
                ["test_fraction"] = (1 - s.TrainRatio / 100).ToString("R", CultureInfo.InvariantCulture),
                ["features"] = string.Join(",", s.Features),
                ["loss"] = s.Loss,
                ["output"] = s.IsCrossEntropy ? "softmax" : Networks.HasOutputTanh(s) ? "tanh" : "linear",
                ["epoch"] = _trainer.CompletedEpochs.ToString(CultureInfo.InvariantCulture),
            };
            using var stream = new MemoryStream();
            ModelFile.Write(stream, _model, metadata);
            return stream.ToArray();
        }
    }

    /// <summary>"Copy as C#": a program that builds and trains this network as the run did, for as many epochs as the run has trained (100 for a fresh run).</summary>
    public string Code()
    {
        lock (Gate) return CSharpProgram.Write(_settings, _points, _trainCount, _trainer.CompletedEpochs > 0 ? _trainer.CompletedEpochs : 100);
    }
}
