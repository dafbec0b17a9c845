using System.Net;
using System.Text;
using CloudWg.Functions.Auth;
using CloudWg.Functions.Tests.Infrastructure;
using CloudWg.Tests.Shared;

namespace CloudWg.Functions.Tests.Auth;

/// <summary>Malformed bodies on every auth write endpoint: a 4xx problem, never a 500.</summary>
public sealed class BadInputTests(AzuriteFixture azurite)
{
    public static readonly TheoryData<string, string> Routes = new()
    {
        { "POST", "/api/setup" },
        { "POST", "/api/auth/login" },
        { "POST", "/api/auth/mfa" },
        { "POST", "/api/auth/totp/confirm" },
        { "POST", "/api/auth/password" },
        { "PUT", "/api/auth/settings" },
        { "POST", "/api/tokens" },
        { "POST", "/api/admins" },
        { "PATCH", "/api/admins/someone" },
    };

    private static readonly string[] Bodies =
    [
        "",
        "{",
        "null",
        "[]",
        "\"text\"",
        "{\"username\":5,\"password\":true,\"role\":[],\"scope\":{},\"expiresInDays\":\"ten\",\"requireMfa\":\"yes\",\"code\":12}",
        "{\"username\":\"" + new string('a', 5000) + "\",\"password\":\"" + new string('p', 5000) + "\",\"name\":\"\\u0000\",\"code\":\"" + new string('9', 500) + "\"}",
        "{\"expiresInDays\":99999999999999999999}",
    ];

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Malformed_bodies_get_a_client_error_problem(string method, string path)
    {
        await using var app = new CloudWgApp(azurite.ConnectionString);
        var owner = await AuthenticatedClients.CreateAdminAsync(app, Roles.Owner);
        using var client = await AuthenticatedClients.MintedSessionAsync(app, owner.Id);
        client.DefaultRequestHeaders.TryAddWithoutValidation("If-Match", "\"x\"");

        foreach (var body in Bodies)
        {
            foreach (var contentType in new[] { "application/json", "text/plain" })
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent(body, Encoding.UTF8, contentType) };
                using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
                var status = (int)response.StatusCode;
                Assert.True(status is >= 400 and < 500, $"{method} {path} with {contentType} '{body[..Math.Min(body.Length, 40)]}' → {status}");
                Assert.NotEqual(HttpStatusCode.Unauthorized, response.StatusCode);
            }
        }
    }
}
