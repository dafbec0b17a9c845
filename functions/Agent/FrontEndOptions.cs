namespace CloudWg.Functions.Agent;

/// <summary>
/// <c>CloudWg:BehindFunctionsFrontEnd</c>: true only when the app runs as a custom handler behind the Azure Functions
/// front end, which terminates TLS and forwards the client certificate in <c>X-ARR-ClientCert</c> and the client
/// address in <c>X-Forwarded-For</c>. Anywhere else those headers are attacker-controlled and ignored.
/// </summary>
public sealed class FrontEndOptions
{
    public const string Section = "CloudWg";

    public bool BehindFunctionsFrontEnd { get; set; }
}
