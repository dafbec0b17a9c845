using System.Net;
using CloudWg.Functions.Tests.Infrastructure;
using CloudWg.Tests.Shared;
using Microsoft.Extensions.Time.Testing;

namespace CloudWg.Functions.Tests.Triggers;

public sealed class LocalTriggerHostTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Without_the_functions_host_the_expiry_timer_runs_in_process_on_its_schedule()
    {
        var ct = TestContext.Current.CancellationToken;
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 5, 1, 10, 0, 30, TimeSpan.Zero));
        await using var app = await FleetApp.StartAsync(azurite, time, new Dictionary<string, string?> { ["CloudWg:Triggers:LocalTimers"] = "true" });
        using var client = app.Client();
        var nodeId = (await client.CreateNodeAsync()).Str("id");
        var peer = await client.CreateAsync($"/api/nodes/{nodeId}/peers", new { name = "temp", publicKey = Api.NewKey(), expiresAt = time.GetUtcNow().AddMinutes(2) });

        // Advance the clock minute by minute (the schedule is every minute) until the timer has deleted the peer.
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while ((await client.GetAsync($"/api/peers/{peer.Str("id")}", ct)).StatusCode != HttpStatusCode.NotFound)
        {
            Assert.True(DateTime.UtcNow < deadline, "the local expiry timer never deleted the expired peer");
            time.Advance(TimeSpan.FromMinutes(1));
            await Task.Delay(200, ct);
        }

        Assert.True(time.GetUtcNow() >= DateTimeOffset.Parse(peer.Str("expiresAt"), System.Globalization.CultureInfo.InvariantCulture), $"not deleted before it expired: now {time.GetUtcNow():O}, expires {peer.Str("expiresAt")}");
    }

    [Fact]
    public async Task Under_the_functions_host_the_local_timers_stand_down()
    {
        var ct = TestContext.Current.CancellationToken;
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await FleetApp.StartAsync(azurite, time, new Dictionary<string, string?>
        {
            ["CloudWg:Triggers:LocalTimers"] = "true",
            ["FUNCTIONS_CUSTOMHANDLER_PORT"] = "0",
        });
        using var client = app.Client();
        var nodeId = (await client.CreateNodeAsync()).Str("id");
        var peer = await client.CreateAsync($"/api/nodes/{nodeId}/peers", new { name = "temp", publicKey = Api.NewKey(), expiresAt = time.GetUtcNow().AddMinutes(1) });

        for (var i = 0; i < 5; i++)
        {
            time.Advance(TimeSpan.FromMinutes(1));
            await Task.Delay(100, ct);
        }

        // Only the Functions host would run ExpirePeers now; the peer is still there (though left out of the desired state).
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/peers/{peer.Str("id")}", ct)).StatusCode);
    }
}
