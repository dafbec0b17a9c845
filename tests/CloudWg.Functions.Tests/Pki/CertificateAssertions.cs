using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CloudWg.Functions.Agent;
using CloudWg.Functions.Pki;

namespace CloudWg.Functions.Tests.Pki;

/// <summary>What every node certificate must be, whichever CA issued it.</summary>
public static class CertificateAssertions
{
    public static void AssertNodeCertificate(X509Certificate2 leaf, string nodeId, CaCertificates ca, TimeSpan lifetime)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca.Root);
        chain.ChainPolicy.ExtraStore.Add(ca.Fleet);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid("1.3.6.1.5.5.7.3.2"));
        Assert.True(chain.Build(leaf), string.Join(", ", chain.ChainStatus.Select(s => s.StatusInformation)));
        Assert.Equal(3, chain.ChainElements.Count);
        Assert.Equal(ca.Fleet.Thumbprint, chain.ChainElements[1].Certificate.Thumbprint);
        Assert.Equal(ca.Root.Thumbprint, chain.ChainElements[2].Certificate.Thumbprint);

        Assert.Equal(nodeId, leaf.GetNameInfo(X509NameType.SimpleName, false));
        Assert.Equal([$"urn:cloudwg:node:{nodeId}"], SubjectAlternativeNames.Uris(leaf));
        var eku = leaf.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single();
        Assert.Equal(["1.3.6.1.5.5.7.3.2"], eku.EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value));
        var keyUsage = leaf.Extensions.OfType<X509KeyUsageExtension>().Single();
        Assert.Equal(X509KeyUsageFlags.DigitalSignature, keyUsage.KeyUsages);
        Assert.True(keyUsage.Critical);
        Assert.False(leaf.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.Equal(lifetime + CertificateProfiles.Backdate, leaf.NotAfter - leaf.NotBefore);
        Assert.Equal("1.2.840.10045.4.3.2", leaf.SignatureAlgorithm.Value);
        using var key = leaf.GetECDsaPublicKey();
        Assert.Equal(ECCurve.NamedCurves.nistP256.Oid.Value, key!.ExportParameters(false).Curve.Oid.Value);
    }
}
