using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Backprop.Playground.Tests.Support;

/// <summary>Small helpers over the test client: post JSON, read the answer as a JSON tree, and read base64 arrays.</summary>
public static class ApiClient
{
    /// <summary>POSTs <paramref name="body"/> (JSON; null for none) and returns status and parsed body.</summary>
    public static async Task<(HttpStatusCode Status, JsonNode? Body)> PostAsync(this HttpClient client, string path, object? body = null)
    {
        HttpResponseMessage response = body is null ? await client.PostAsync(path, null) : await client.PostAsJsonAsync(path, body);
        string text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    /// <summary>GETs and returns status and parsed body.</summary>
    public static async Task<(HttpStatusCode Status, JsonNode? Body)> GetJsonAsync(this HttpClient client, string path)
    {
        HttpResponseMessage response = await client.GetAsync(path);
        string text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    /// <summary>Creates a run and returns its snapshot (asserting 201).</summary>
    public static async Task<JsonNode> CreateRunAsync(this HttpClient client, object? settings = null)
    {
        (HttpStatusCode status, JsonNode? body) = await client.PostAsync("/api/runs", settings ?? new { });
        Assert.True(status == HttpStatusCode.Created, $"{status}: {body?.ToJsonString()}");
        return body!;
    }

    /// <summary>POSTs to a run's endpoint, asserting 200, and returns the snapshot.</summary>
    public static async Task<JsonNode> RunCommandAsync(this HttpClient client, string id, string command, object? body = null)
    {
        (HttpStatusCode status, JsonNode? answer) = await client.PostAsync($"/api/runs/{id}/{command}", body);
        Assert.True(status == HttpStatusCode.OK, $"{command}: {status}: {answer?.ToJsonString()}");
        return answer!;
    }

    /// <summary>The floats of a base64 float32 field.</summary>
    public static float[] Floats(JsonNode? node) => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(Convert.FromBase64String(node!.GetValue<string>())).ToArray();

    /// <summary>The bytes of a base64 field.</summary>
    public static byte[] Bytes(JsonNode? node) => Convert.FromBase64String(node!.GetValue<string>());

    /// <summary>A snapshot without its id, as text, for comparing two runs.</summary>
    public static string WithoutId(JsonNode snapshot)
    {
        JsonObject copy = snapshot.DeepClone().AsObject();
        copy.Remove("id");
        return copy.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }
}
