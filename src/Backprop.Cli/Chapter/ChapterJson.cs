using System.Text.Json;
using Backprop.IO;

namespace Backprop.Cli.Chapter;

/// <summary>
/// Writes every number the chapter computes as JSON, at full precision (shortest round-trip
/// decimals, which <c>double.Parse</c> reads back exactly), with the key names of the
/// reference <c>chapter.json</c>.
/// </summary>
public static class ChapterJson
{
    /// <summary>Writes <paramref name="results"/> to <paramref name="path"/> atomically.</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="results">What the chapter computed.</param>
    /// <param name="printedLines">The chapter's printed lines, in order.</param>
    public static void Write(string path, ChapterResults results, IReadOnlyList<string> printedLines)
    {
        AtomicFile.Write(path, stream =>
        {
            using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            json.WriteStartObject();

            json.WriteStartArray("printed_lines");
            foreach (string line in printedLines) json.WriteStringValue(line);
            json.WriteEndArray();

            SingleNeuron n = results.Neuron;
            json.WriteStartObject("single_neuron");
            json.WriteStartObject("inputs");
            json.WriteNumber("x", n.X);
            json.WriteNumber("w", n.W);
            json.WriteNumber("b", n.B);
            json.WriteNumber("target", n.Target);
            json.WriteEndObject();
            json.WriteNumber("z", n.Z);
            json.WriteNumber("out", n.Out);
            json.WriteNumber("loss", n.Loss);
            json.WriteNumber("w_grad", n.WGrad);
            json.WriteNumber("b_grad", n.BGrad);
            json.WriteNumber("x_grad", n.XGrad);
            json.WriteEndObject();

            GradientFlow f = results.Flow;
            json.WriteStartObject("gradient_flow");
            json.WriteNumber("seed", ChapterComputation.Seed);
            WriteArray(json, "trial0_dL_dw2", f.Trial0Layer2);
            WriteArray(json, "trial0_dL_dw1", f.Trial0Layer1);
            WriteArray(json, "layer2", f.Layer2);
            WriteArray(json, "layer1", f.Layer1);
            json.WriteNumber("mean_layer2", f.MeanLayer2);
            json.WriteNumber("mean_layer1", f.MeanLayer1);
            json.WriteBoolean("value_engine_agrees", f.ValueEngineAgrees);
            json.WriteEndObject();

            json.WriteStartObject("vanishing");
            WriteArray(json, "grad_norms", results.Vanishing.GradNorms);
            json.WriteEndObject();

            json.WriteEndObject();
        });
    }

    private static void WriteArray(Utf8JsonWriter json, string name, double[] values)
    {
        json.WriteStartArray(name);
        foreach (double v in values) json.WriteNumberValue(v);
        json.WriteEndArray();
    }
}
