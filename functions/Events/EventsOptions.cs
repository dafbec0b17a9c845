using System.ComponentModel.DataAnnotations;

namespace CloudWg.Functions.Events;

/// <summary>Settings under <c>CloudWg:Events</c> for <c>GET /api/events</c>.</summary>
public sealed class EventsOptions
{
    public const string Section = "CloudWg:Events";

    /// <summary>How often a stream reads the change feed; keeps a change visible in other browsers within 2 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:00:10")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A comment line this often keeps proxies from closing an idle stream.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan Heartbeat { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Streams end after this long; the browser reconnects (resuming with Last-Event-ID), which re-runs
    /// authentication, so a logged-out or expired session stops receiving events.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan MaxDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Entries are re-read this far back, because instances' clocks differ slightly; duplicates are dropped by seq.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan Overlap { get; set; } = TimeSpan.FromSeconds(5);
}
