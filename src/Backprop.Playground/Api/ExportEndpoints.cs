using Backprop.Playground.Runs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Backprop.Playground.Api;

/// <summary>Downloads of a run: the model (safetensors, loadable by <c>backprop eval</c>), the settings (JSON) and the C# program.</summary>
public static class ExportEndpoints
{
    /// <summary>Maps the exports under the runs group.</summary>
    /// <param name="runs">The <c>/api/runs</c> group.</param>
    public static RouteGroupBuilder MapExports(this RouteGroupBuilder runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        runs.MapGet("/{id}/config.json", (string id, RunRegistry registry) =>
        {
            RunSettings settings = RunEndpoints.Run(registry, id).Settings;
            return TypedResults.Json(settings, statusCode: StatusCodes.Status200OK);
        });
        runs.MapGet("/{id}/model.safetensors", (string id, RunRegistry registry) =>
            TypedResults.File(RunEndpoints.Run(registry, id).ModelBytes(), "application/octet-stream", "model.safetensors"));
        runs.MapGet("/{id}/code.cs", (string id, RunRegistry registry) =>
            TypedResults.Text(RunEndpoints.Run(registry, id).Code(), "text/plain", System.Text.Encoding.UTF8));
        return runs;
    }
}
