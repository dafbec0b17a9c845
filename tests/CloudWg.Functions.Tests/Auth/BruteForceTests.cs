using System.Net;
using CloudWg.Functions.Auth;
using CloudWg.Functions.Tests.Infrastructure;
using CloudWg.Tests.Shared;

namespace CloudWg.Functions.Tests.Auth;

public sealed class BruteForceTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task The_sixth_wrong_password_within_a_minute_is_refused_with_retry_after()
    {
        await using var app = new CloudWgApp(azurite.ConnectionString);
        var admin = await AuthenticatedClients.CreateAdminAsync(app, Roles.Admin);
        using var client = app.CreateClient();

        for (var i = 1; i <= 5; i++)
        {
            var attempt = await client.PostJsonAsync("/api/auth/login", new { username = admin.Id, password = $"wrong password {i}" });
            Assert.Equal(HttpStatusCode.Unauthorized, attempt.StatusCode);
        }

        var sixth = await client.PostJsonAsync("/api/auth/login", new { username = admin.Id, password = "wrong password 6" });
        Assert.Equal(HttpStatusCode.TooManyRequests, sixth.StatusCode);
        Assert.Equal("application/problem+json", sixth.Content.Headers.ContentType?.MediaType);
        var retryAfter = sixth.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value.TotalSeconds, 1, 60);
        Assert.Contains("try again", (await sixth.JsonAsync()).GetProperty("detail").GetString());

        // Even the right password waits: the attacker learns nothing from the blocked attempts.
        var right = await client.PostJsonAsync("/api/auth/login", new { username = admin.Id, password = AuthenticatedClients.Password });
        Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
    }

    [Fact]
    public async Task The_limit_holds_when_attempts_alternate_between_two_instances()
    {
        await using var first = new CloudWgApp(azurite.ConnectionString);
        await using var second = new CloudWgApp(azurite.ConnectionString, new Dictionary<string, string?> { ["CloudWg:Storage:Prefix"] = first.Prefix });
        var admin = await AuthenticatedClients.CreateAdminAsync(first, Roles.Owner);
        using var a = first.CreateClient();
        using var b = second.CreateClient();

        for (var i = 1; i <= 5; i++)
        {
            var attempt = await (i % 2 == 1 ? a : b).PostJsonAsync("/api/auth/login", new { username = admin.Id, password = $"wrong password {i}" });
            Assert.Equal(HttpStatusCode.Unauthorized, attempt.StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await b.PostJsonAsync("/api/auth/login", new { username = admin.Id, password = "wrong password 6" })).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await a.PostJsonAsync("/api/auth/login", new { username = admin.Id, password = "wrong password 7" })).StatusCode);
    }

    [Fact]
    public async Task One_client_address_cannot_spray_many_accounts()
    {
        await using var app = new CloudWgApp(azurite.ConnectionString, new Dictionary<string, string?> { ["CloudWg:Auth:ClientAddressHeader"] = "X-Client-IP" });
        var victim = await AuthenticatedClients.CreateAdminAsync(app, Roles.Admin);
        using var attacker = app.CreateClient();
        // The attacker writes X-Forwarded-For itself; the front end's X-Client-IP names its real address.
        attacker.DefaultRequestHeaders.Add("X-Forwarded-For", "198.51.100.20");
        attacker.DefaultRequestHeaders.Add("X-Client-IP", "203.0.113.7");
        using var bystander = app.CreateClient();
        bystander.DefaultRequestHeaders.Add("X-Client-IP", "198.51.100.20");

        for (var i = 1; i <= 5; i++)
        {
            var attempt = await attacker.PostJsonAsync("/api/auth/login", new { username = $"guess{i}", password = "password guess 1" });
            Assert.Equal(HttpStatusCode.Unauthorized, attempt.StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await attacker.PostJsonAsync("/api/auth/login", new { username = victim.Id, password = AuthenticatedClients.Password })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await bystander.PostJsonAsync("/api/auth/login", new { username = victim.Id, password = AuthenticatedClients.Password })).StatusCode);
    }
}
