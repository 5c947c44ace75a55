using Backprop.Playground.Runs;
using Microsoft.AspNetCore.Http;

namespace Backprop.Playground.Api;

/// <summary>
/// The error answers of the API, each a one-line <see cref="ErrorBody"/>: 400 for a bad request,
/// 404 for an unknown run, 429 when too many runs are live. <see cref="Filter"/> turns the
/// exceptions of the run layer into them, so the handlers stay straight-line code.
/// </summary>
public static class ProblemResults
{
    /// <summary>400 with the reason.</summary>
    /// <param name="message">One line naming the field.</param>
    public static IResult BadRequest(string message) => TypedResults.BadRequest(new ErrorBody(message));

    /// <summary>404 naming the id the client sent (cut short and without control characters).</summary>
    /// <param name="id">The unknown id.</param>
    public static IResult NoRun(string id) => TypedResults.NotFound(new ErrorBody($"no run '{RunSettings.Shown(id)}'"));

    /// <summary>An endpoint filter: <see cref="SettingsException"/> → 400, <see cref="TooManyRunsException"/> → 429, <see cref="UnknownRunException"/> → 404.</summary>
    public static async ValueTask<object?> Filter(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        try
        {
            return await next(context);
        }
        catch (SettingsException e)
        {
            return BadRequest(e.Message);
        }
        catch (UnknownRunException e)
        {
            return NoRun(e.Id);
        }
        catch (TooManyRunsException e)
        {
            return TypedResults.Json(new ErrorBody(e.Message), statusCode: StatusCodes.Status429TooManyRequests);
        }
    }
}
