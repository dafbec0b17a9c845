namespace CloudWg.Functions.Changes;

/// <summary>Who made a change and from where, for the audit log.</summary>
public sealed record MutationContext(string Actor, string? ClientAddress)
{
    /// <summary>Changes made by the control plane itself (timers).</summary>
    public static readonly MutationContext System = new("system", null);

    /// <summary>The signed-in caller, and their address as <see cref="Auth.ClientAddress"/> sees it (the front end's, behind one).</summary>
    public static MutationContext From(HttpContext context) => new(
        context.User.Identity?.Name is { Length: > 0 } name ? name : "anonymous",
        context.RequestServices.GetRequiredService<Auth.ClientAddress>().Of(context));
}
