using Microsoft.AspNetCore.Routing;

namespace Backprop.Playground.Api;

/// <summary>The lab's endpoints (chain-rule stepper, vanishing-gradient lab, loss landscape, optimizer race).</summary>
public static class LabEndpoints
{
    /// <summary>Maps the lab's endpoints; <see cref="PlaygroundServer.Build"/> calls it after the run endpoints.</summary>
    /// <param name="app">The application's routes.</param>
    public static IEndpointRouteBuilder MapLabEndpoints(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app;
    }
}
