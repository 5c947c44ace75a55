using Backprop.Playground.Runs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Backprop.Playground.Api;

/// <summary>Downloads of a run: its settings as JSON (more exports join here).</summary>
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
        return runs;
    }
}
