namespace CloudWg.Protocol.Jws;

/// <summary>The protected header of every CloudWg JWS; nothing else may appear in it.</summary>
/// <param name="Alg">Always <see cref="JwsAlgorithms.ES256"/>.</param>
/// <param name="Kid">Selects the verifying key in the <see cref="TrustBundle"/>.</param>
/// <param name="Typ">One of <see cref="JwsTypes"/>; stops a report from being replayed as a desired state.</param>
public sealed record JwsHeader(string Alg, string Kid, string Typ);
