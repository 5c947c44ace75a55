using Microsoft.AspNetCore.Http;

namespace Backprop.Playground.Api;

/// <summary>
/// Headers on every response: a Content-Security-Policy that lets the page load scripts, styles,
/// fonts and images only from this server (no CDN, no inline script), and no sniffing or framing.
/// </summary>
/// <param name="next">The rest of the pipeline.</param>
internal sealed class SecurityHeaders(RequestDelegate next)
{
    /// <summary>The policy: everything from this origin only; SVG and canvas images may be data: URLs.</summary>
    public const string Policy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; " +
        "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

    /// <summary>Adds the headers, then runs the rest of the pipeline.</summary>
    public Task InvokeAsync(HttpContext context)
    {
        IHeaderDictionary headers = context.Response.Headers;
        headers.ContentSecurityPolicy = Policy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        return next(context);
    }
}
