namespace CloudWg.Protocol.Validation;

/// <summary>One problem with a document.</summary>
/// <param name="Path">JSON-path-like location of the field, e.g. <c>wireguard.peers[3].publicKey</c>; empty for the whole document.</param>
/// <param name="Message">What is wrong and what would be right, as a sentence fragment an operator can act on.</param>
public sealed record ValidationError(string Path, string Message)
{
    public override string ToString() => Path.Length == 0 ? Message : $"{Path}: {Message}";
}
