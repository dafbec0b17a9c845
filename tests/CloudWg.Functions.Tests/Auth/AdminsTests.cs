using System.Net;
using System.Net.Http.Json;
using CloudWg.Functions.Admins;
using CloudWg.Functions.Auth;
using CloudWg.Functions.Tests.Infrastructure;
using CloudWg.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace CloudWg.Functions.Tests.Auth;

public sealed class AdminsTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task An_owner_creates_lists_and_changes_admins_with_etags()
    {
        await using var app = new CloudWgApp(azurite.ConnectionString);
        using var owner = await AuthenticatedClients.SessionAsync(app, Roles.Owner);

        var created = await owner.PostJsonAsync("/api/admins", new { username = "Dana", password = "dana's long passphrase", role = "viewer" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.NotNull(created.Headers.ETag);
        Assert.Equal(HttpStatusCode.Conflict, (await owner.PostJsonAsync("/api/admins", new { username = "dana", password = "another long passphrase", role = "admin" })).StatusCode);
        var list = await (await owner.GetPathAsync("/api/admins")).JsonAsync();
        Assert.Contains(list.EnumerateArray(), a => a.GetProperty("username").GetString() == "dana");
        Assert.DoesNotContain("pbkdf2", list.GetRawText(), StringComparison.Ordinal);

        using var noIfMatch = new HttpRequestMessage(HttpMethod.Patch, "/api/admins/dana") { Content = JsonContent.Create(new { role = "admin" }) };
        Assert.Equal(HttpStatusCode.PreconditionRequired, (await owner.SendAsync(noIfMatch, TestContext.Current.CancellationToken)).StatusCode);
        using var stale = new HttpRequestMessage(HttpMethod.Patch, "/api/admins/dana") { Content = JsonContent.Create(new { role = "admin" }) };
        stale.Headers.TryAddWithoutValidation("If-Match", "W/\"datetime'2000-01-01T00%3A00%3A00.0000000Z'\"");
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await owner.SendAsync(stale, TestContext.Current.CancellationToken)).StatusCode);

        var promoted = await PatchAsync(owner, "dana", new { role = "admin" });
        Assert.Equal(HttpStatusCode.OK, promoted.StatusCode);
        Assert.Equal("admin", (await promoted.JsonAsync()).GetProperty("role").GetString());
        Assert.Contains("Role must be one of", (await (await PatchAsync(owner, "dana", new { role = "god" })).JsonAsync()).FieldError("role"));

        Assert.Equal(HttpStatusCode.NotFound, (await owner.GetPathAsync("/api/admins/nobody")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await DeleteAsync(owner, "dana")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.GetPathAsync("/api/admins/dana")).StatusCode);
    }

    [Fact]
    public async Task The_last_owner_cannot_be_demoted_disabled_or_deleted()
    {
        await using var app = new CloudWgApp(azurite.ConnectionString);
        var first = await AuthenticatedClients.CreateAdminAsync(app, Roles.Owner);
        using var firstClient = await AuthenticatedClients.LoginAsync(app, first.Id, AuthenticatedClients.Password);

        var demote = await PatchAsync(firstClient, first.Id, new { role = "admin" });
        Assert.Equal(HttpStatusCode.Conflict, demote.StatusCode);
        Assert.Contains("last enabled owner", (await demote.JsonAsync()).GetProperty("detail").GetString());

        var second = await AuthenticatedClients.CreateAdminAsync(app, Roles.Owner);
        using var secondClient = await AuthenticatedClients.LoginAsync(app, second.Id, AuthenticatedClients.Password);
        Assert.Equal(HttpStatusCode.OK, (await PatchAsync(secondClient, first.Id, new { role = "admin" })).StatusCode);

        // first is no owner any more; second is the last one.
        Assert.Equal(HttpStatusCode.Forbidden, (await PatchAsync(firstClient, second.Id, new { role = "viewer" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await PatchAsync(secondClient, second.Id, new { role = "viewer" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await PatchAsync(secondClient, second.Id, new { disabled = true })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await DeleteAsync(secondClient, second.Id)).StatusCode);
    }

    [Fact]
    public async Task Concurrent_owners_demoting_each_other_leave_one_owner()
    {
        await using var app = new CloudWgApp(azurite.ConnectionString);
        var a = await AuthenticatedClients.CreateAdminAsync(app, Roles.Owner);
        var b = await AuthenticatedClients.CreateAdminAsync(app, Roles.Owner);
        using var aClient = await AuthenticatedClients.MintedSessionAsync(app, a.Id);
        using var bClient = await AuthenticatedClients.MintedSessionAsync(app, b.Id);
        var aTag = (await bClient.GetPathAsync($"/api/admins/{a.Id}")).Headers.ETag!.ToString();
        var bTag = (await aClient.GetPathAsync($"/api/admins/{b.Id}")).Headers.ETag!.ToString();

        var results = await Task.WhenAll(
            PatchAsync(aClient, b.Id, new { role = "admin" }, bTag),
            PatchAsync(bClient, a.Id, new { role = "admin" }, aTag));

        Assert.Single(results, r => r.StatusCode == HttpStatusCode.OK);
        var store = app.Services.GetRequiredService<AdminStore>();
        var owners = 0;
        foreach (var id in new[] { a.Id, b.Id })
        {
            owners += (await store.GetAsync(id, TestContext.Current.CancellationToken))?.Role == Roles.Owner ? 1 : 0;
        }

        Assert.Equal(1, owners);
    }

    /// <summary>PATCH with the admin's current ETag (read first unless given).</summary>
    internal static async Task<HttpResponseMessage> PatchAsync(HttpClient client, string id, object body, string? etag = null)
    {
        etag ??= (await client.GetPathAsync($"/api/admins/{id}")).Headers.ETag?.ToString() ?? "\"none\"";
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/admins/{id}") { Content = JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("If-Match", etag);
        return await client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    private static async Task<HttpResponseMessage> DeleteAsync(HttpClient client, string id)
    {
        var etag = (await client.GetPathAsync($"/api/admins/{id}")).Headers.ETag?.ToString() ?? "\"none\"";
        using var request = new HttpRequestMessage(HttpMethod.Delete, $"/api/admins/{id}");
        request.Headers.TryAddWithoutValidation("If-Match", etag);
        return await client.SendAsync(request, TestContext.Current.CancellationToken);
    }
}
