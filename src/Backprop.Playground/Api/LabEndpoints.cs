using System.Text.Json;
using Backprop.Playground.Lab;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

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
        app.MapPost("/api/stepper", async (HttpRequest request) =>
        {
            StepperRequest stepper = StepperRequest.Parse(await ReadJsonAsync(request));
            if (stepper.Preset is null)
                throw new LabRequestException($"runId: no run '{LabFields.Shown(stepper.RunId!)}' (live runs reach the stepper once the run API is in)");
            return TypedResults.Ok(ChainRuleStepper.Chapter());
        }).AddEndpointFilter(Refusals);
        app.MapPost("/api/lab/vanishing", async (HttpRequest request) =>
            TypedResults.Ok(VanishingLab.Measure(VanishingSetup.Parse(await ReadJsonAsync(request)))))
            .AddEndpointFilter(Refusals);
        return app;
    }

    /// <summary>Turns a <see cref="LabRequestException"/> into a 400 with its line.</summary>
    private static async ValueTask<object?> Refusals(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (LabRequestException e)
        {
            return TypedResults.BadRequest(new { error = e.Message });
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
