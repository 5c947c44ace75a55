using System.Text.Json;

namespace Backprop.Playground.Lab;

/// <summary>
/// What the stepper is asked to show: the chapter's neuron (<c>{preset: "chapter"}</c>), or one
/// neuron of a live run for one training point (<c>{runId, layer, neuron, point}</c>).
/// </summary>
/// <param name="Preset">"chapter", or null for a neuron of a run.</param>
/// <param name="RunId">The run, when no preset.</param>
/// <param name="Layer">The Linear layer of the neuron, 0 nearest the input.</param>
/// <param name="Neuron">The neuron within the layer.</param>
/// <param name="Point">The training point, an index into the run's training set.</param>
public sealed record StepperRequest(string? Preset, string? RunId, int Layer, int Neuron, int Point)
{
    /// <summary>Reads and checks the body's shape; the run-dependent ranges are checked against the run.</summary>
    /// <param name="body">The JSON body.</param>
    /// <exception cref="LabRequestException">Neither a preset nor a run, or a field of the wrong kind.</exception>
    public static StepperRequest Parse(JsonElement body)
    {
        var fields = new LabFields(body, "preset", "runId", "layer", "neuron", "point");
        if (fields.Has("preset"))
            return new StepperRequest(fields.Choice("preset", ["chapter"], "chapter"), null, 0, 0, 0);
        string runId = fields.Text("runId", 64) ?? throw new LabRequestException("give either preset (\"chapter\") or runId with layer, neuron and point");
        return new StepperRequest(null, runId,
            (int)fields.Integer("layer", 0, 8, 0),
            (int)fields.Integer("neuron", 0, 15, 0),
            (int)fields.Integer("point", 0, 1999, 0));
    }
}
