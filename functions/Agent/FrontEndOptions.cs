namespace CloudWg.Functions.Agent;

/// <summary>
/// <c>CloudWg:BehindFunctionsFrontEnd</c>: true only when the app runs as a custom handler behind the Azure Functions
/// front end, which terminates TLS: agents' signatures then name <c>https://</c> and the public host rather than the
/// loopback address the app is called on. The front end forwards no client certificate (none is asked for).
/// </summary>
public sealed class FrontEndOptions
{
    public const string Section = "CloudWg";

    public bool BehindFunctionsFrontEnd { get; set; }
}
