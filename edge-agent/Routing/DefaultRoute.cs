using System.Text.Json;
using CloudWg.EdgeAgent.Infrastructure;

namespace CloudWg.EdgeAgent.Routing;

/// <summary>The interface the default route leaves by (IPv4, else IPv6), in the namespace the agent manages.</summary>
public static class DefaultRoute
{
    /// <summary>The device of the first default route, or null when there is none.</summary>
    public static async Task<string?> InterfaceAsync(string ipCommand, string? networkNamespace, CancellationToken cancellationToken)
    {
        foreach (var family in new[] { "-4", "-6" })
        {
            string[] args = networkNamespace is null ? [family, "-j", "route", "show", "default"] : ["-n", networkNamespace, family, "-j", "route", "show", "default"];
            var result = await ProcessRunner.RunAsync(ipCommand, args, cancellationToken).ConfigureAwait(false);
            if (result.Succeeded && Parse(result.StandardOutput) is { } device)
            {
                return device;
            }
        }

        return null;
    }

    /// <summary>The <c>dev</c> of the first route in <c>ip -j route</c> output.</summary>
    public static string? Parse(string json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.ValueKind == JsonValueKind.Array
                ? doc.RootElement.EnumerateArray().Select(r => r.TryGetProperty("dev", out var dev) ? dev.GetString() : null).FirstOrDefault(d => !string.IsNullOrEmpty(d))
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
