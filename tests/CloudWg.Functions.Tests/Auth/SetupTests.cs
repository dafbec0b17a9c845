using System.Net;
using CloudWg.Functions.Setup;
using CloudWg.Functions.Tests.Infrastructure;
using CloudWg.Tests.Shared;

namespace CloudWg.Functions.Tests.Auth;

public sealed class SetupTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan FileTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task The_setup_token_creates_the_first_owner_once()
    {
        await using var app = new CloudWgApp(azurite.ConnectionString);
        using var client = app.CreateClient();
        var path = Path.Combine(app.StateDirectory, SetupTokenService.FileName);

        Assert.True(await AuthTestSupport.EventuallyAsync(() => Task.FromResult(File.Exists(path)), FileTimeout), $"{path} did not appear");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        var token = (await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken)).Trim();
        Assert.True((await (await client.GetPathAsync("/api/setup")).JsonAsync()).GetProperty("setupRequired").GetBoolean());

        var wrong = await client.PostJsonAsync("/api/setup", new { token = "not-the-token", username = "root", password = AuthenticatedClients.Password });
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Contains("setup token is wrong", (await wrong.JsonAsync()).FieldError("token"));
        var weak = await client.PostJsonAsync("/api/setup", new { token, username = "root", password = "root" });
        Assert.NotNull((await weak.JsonAsync()).FieldError("password"));

        var created = await client.PostJsonAsync("/api/setup", new { token, username = "Root", password = AuthenticatedClients.Password });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var owner = await created.JsonAsync();
        Assert.Equal("root", owner.GetProperty("username").GetString());
        Assert.Equal("owner", owner.GetProperty("role").GetString());
        Assert.False(File.Exists(path));

        var again = await client.PostJsonAsync("/api/setup", new { token, username = "mallory", password = AuthenticatedClients.Password });
        Assert.Equal(HttpStatusCode.Gone, again.StatusCode);
        Assert.Equal("application/problem+json", again.Content.Headers.ContentType?.MediaType);
        Assert.False((await (await client.GetPathAsync("/api/setup")).JsonAsync()).GetProperty("setupRequired").GetBoolean());
        using var session = await AuthenticatedClients.LoginAsync(app, "root", AuthenticatedClients.Password);
    }

    [Fact]
    public async Task The_token_file_appears_even_when_storage_comes_up_after_the_app()
    {
        // Storage is reached through forwarders that refuse connections until started.
        await using var blob = new TcpForwarder(azurite.Azurite.BlobPort);
        await using var queue = new TcpForwarder(azurite.Azurite.QueuePort);
        await using var table = new TcpForwarder(azurite.Azurite.TablePort);
        await using var app = new CloudWgApp(Azurite.ConnectionStringFor(blob.Port, queue.Port, table.Port));
        using var client = app.CreateClient();
        var path = Path.Combine(app.StateDirectory, SetupTokenService.FileName);
        await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);
        Assert.False(File.Exists(path));

        blob.Start();
        queue.Start();
        table.Start();

        Assert.True(await AuthTestSupport.EventuallyAsync(() => Task.FromResult(File.Exists(path)), FileTimeout), $"{path} did not appear after storage came up");
    }

    [Fact]
    public async Task An_expired_token_is_replaced_while_there_is_no_admin()
    {
        var clock = AuthTestSupport.NewClock();
        await using var cloudWg = new CloudWgApp(azurite.ConnectionString);
        var app = cloudWg.WithClock(clock);
        using var client = app.CreateClient();
        var path = Path.Combine(cloudWg.StateDirectory, SetupTokenService.FileName);
        Assert.True(await AuthTestSupport.EventuallyAsync(() => Task.FromResult(File.Exists(path)), FileTimeout));
        var first = (await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken)).Trim();

        clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromMinutes(1));

        Assert.True(await AuthTestSupport.EventuallyAsync(async () => (await File.ReadAllTextAsync(path)).Trim() != first, FileTimeout), "the expired token was not replaced");
        var second = (await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken)).Trim();
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostJsonAsync("/api/setup", new { token = first, username = "root", password = AuthenticatedClients.Password })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await client.PostJsonAsync("/api/setup", new { token = second, username = "root", password = AuthenticatedClients.Password })).StatusCode);
    }
}
