using System.Globalization;
using System.Text.Json;
using Backprop.Playground.Lab;
using Backprop.Playground.Runs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Backprop.Playground.Api;

/// <summary>
/// The lab's endpoints: the chain-rule stepper, the vanishing-gradient lab, the loss landscape and
/// the optimizer race. Bad requests get a 400 with <c>{"error": "one line naming the field"}</c>.
/// </summary>
public static class LabEndpoints
{
    /// <summary>The largest lab request body: every lab request is a handful of fields.</summary>
    public const int MaxBodyBytes = 16 * 1024;

    /// <summary>Maps the lab's endpoints; <see cref="PlaygroundServer.Build"/> calls it.</summary>
    /// <param name="app">The application's routes.</param>
    public static IEndpointRouteBuilder MapLabEndpoints(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPost("/api/stepper", async (HttpRequest request, RunRegistry registry) =>
        {
            StepperRequest stepper = StepperRequest.Parse(await ReadJsonAsync(request));
            if (stepper.Preset is not null) return TypedResults.Ok(ChainRuleStepper.Chapter());
            PlaygroundRun run = registry.Find(stepper.RunId!) ?? throw new UnknownRunException(stepper.RunId!);
            return TypedResults.Ok(run.Inspect(r => RunNeuronGraph.Build(r, stepper.Layer, stepper.Neuron, stepper.Point)));
        }).AddEndpointFilter(Refusals);
        app.MapPost("/api/lab/vanishing", async (HttpRequest request) =>
            TypedResults.Ok(VanishingLab.Measure(VanishingSetup.Parse(await ReadJsonAsync(request)))))
            .AddEndpointFilter(Refusals);

        app.MapPost("/api/runs/{id}/landscape", async (string id, HttpRequest request, RunRegistry registry) =>
        {
            LandscapeSetup setup = LandscapeSetup.Parse(await ReadJsonAsync(request));
            PlaygroundRun run = registry.Find(id) ?? throw new UnknownRunException(id);
            return TypedResults.Ok(run.Inspect(r => LossLandscape.Compute(r.Layers, r.TrainLoss, r.Trajectory, setup)));
        }).AddEndpointFilter(Refusals);

        // The races live beside the runs they are made of; one registry per server.
        var races = new RaceRegistry(app.ServiceProvider.GetRequiredService<RunRegistry>());
        RouteGroupBuilder race = app.MapGroup("/api/races").AddEndpointFilter(Refusals);
        race.MapPost("/", async (HttpRequest request) =>
        {
            OptimizerRace created = races.Create(RaceSetup.Parse(await ReadJsonAsync(request)));
            return TypedResults.Created($"/api/races/{created.Id}", created.Frame());
        });
        race.MapGet("/{id}", (string id) => TypedResults.Ok(races.Find(id).Frame()));
        race.MapPost("/{id}/step", (string id, string? n) =>
        {
            int epochs = n is null ? 1 : int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out int v) ? v
                : throw new LabRequestException($"n must be an integer in [1, {OptimizerRace.MaxStep}], got '{LabFields.Shown(n)}'");
            return TypedResults.Ok(races.Find(id).Step(epochs));
        });
        race.MapPost("/{id}/landscape", async (string id, HttpRequest request) =>
        {
            var fields = new LabFields(await ReadJsonAsync(request), "resolution");
            int resolution = (int)fields.Integer("resolution", 5, LandscapeSetup.MaxResolution, 21);
            return TypedResults.Ok(races.Find(id).Landscape(resolution));
        });
        return app;
    }

    /// <summary>
    /// The lab's refusals as one-line answers: a bad field (400), an unknown race (404), and,
    /// through the run API's own filter, bad run settings (400), an unknown run (404) and a full
    /// registry (429).
    /// </summary>
    private static async ValueTask<object?> Refusals(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await ProblemResults.Filter(context, next);
        }
        catch (LabRequestException e)
        {
            return ProblemResults.BadRequest(e.Message);
        }
        catch (UnknownRaceException e)
        {
            return TypedResults.NotFound(new ErrorBody(e.Message));
        }
    }

    /// <summary>The body as JSON (undefined when empty), read with a cap so no body makes the server allocate much.</summary>
    private static async Task<JsonElement> ReadJsonAsync(HttpRequest request)
    {
        if (request.ContentLength > MaxBodyBytes) throw new LabRequestException($"body too large: {request.ContentLength} bytes (at most {MaxBodyBytes})");
        var buffer = new MemoryStream();
        byte[] chunk = new byte[4096];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes) throw new LabRequestException($"body too large: more than {MaxBodyBytes} bytes");
            buffer.Write(chunk, 0, read);
        }
        if (buffer.Length == 0) return default;
        try
        {
            using JsonDocument document = JsonDocument.Parse(buffer.ToArray(), new JsonDocumentOptions { MaxDepth = 8 });
            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new LabRequestException($"body is not valid JSON: {e.Message.Split('\n')[0]}");
        }
    }
}
