using System.Net;
using CloudWg.Functions.Auth;
using CloudWg.Functions.Tests.Infrastructure;
using CloudWg.Tests.Shared;

namespace CloudWg.Functions.Tests.Auth;

public sealed class AuditTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Auth_events_are_audited_newest_first_with_filters_and_paging()
    {
        await using var app = new CloudWgApp(azurite.ConnectionString, new Dictionary<string, string?> { ["CloudWg:Auth:ClientAddressHeader"] = "X-Client-IP" });
        var viewer = await AuthenticatedClients.CreateAdminAsync(app, Roles.Viewer);
        using var anonymous = app.CreateClient();
        anonymous.DefaultRequestHeaders.Add("X-Forwarded-For", "10.9.9.9");
        anonymous.DefaultRequestHeaders.Add("X-Client-IP", "192.0.2.44");
        await anonymous.PostJsonAsync("/api/auth/login", new { username = viewer.Id, password = "definitely wrong!" });
        using var client = await AuthenticatedClients.LoginAsync(app, viewer.Id, AuthenticatedClients.Password);

        var page = await (await client.GetPathAsync("/api/audit?pageSize=50")).JsonAsync();
        var items = page.GetProperty("items").EnumerateArray().ToList();
        var actions = items.Select(i => i.GetProperty("action").GetString()).ToList();
        Assert.Equal("auth.login", actions[0]);
        Assert.Contains("auth.login.failed", actions);
        var failed = items.First(i => i.GetProperty("action").GetString() == "auth.login.failed");
        Assert.Equal(viewer.Id, failed.GetProperty("actor").GetString());
        Assert.Equal("failure", failed.GetProperty("outcome").GetString());
        Assert.Equal("192.0.2.44", failed.GetProperty("clientAddress").GetString());
        Assert.DoesNotContain("definitely wrong", page.GetRawText());
        var times = items.Select(i => i.GetProperty("at").GetDateTimeOffset()).ToList();
        Assert.Equal(times.OrderByDescending(t => t), times);

        var filtered = await (await client.GetPathAsync("/api/audit?action=auth.login.failed")).JsonAsync();
        Assert.All(filtered.GetProperty("items").EnumerateArray(), i => Assert.Equal("auth.login.failed", i.GetProperty("action").GetString()));

        var first = await (await client.GetPathAsync("/api/audit?pageSize=1")).JsonAsync();
        var continuation = first.GetProperty("continuation").GetString();
        Assert.NotNull(continuation);
        var second = await (await client.GetPathAsync($"/api/audit?pageSize=1&continuation={Uri.EscapeDataString(continuation)}")).JsonAsync();
        Assert.NotEqual(first.GetProperty("items")[0].GetProperty("id").GetString(), second.GetProperty("items")[0].GetProperty("id").GetString());

        var bad = await client.GetPathAsync("/api/audit?pageSize=0");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.NotNull((await bad.JsonAsync()).FieldError("pageSize"));
    }
}
