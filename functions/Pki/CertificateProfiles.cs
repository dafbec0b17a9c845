using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CloudWg.Functions.Pki;

/// <summary>
/// The X.509 profiles CloudWg issues: root CA, fleet CA, node (client) and control-plane (server) certificates.
/// Pure functions of their inputs; the signature comes from an <see cref="X509SignatureGenerator"/>, which may be a
/// local key or a remote one in Key Vault.
/// </summary>
public static class CertificateProfiles
{
    public static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2", "Client Authentication");
    public static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1", "Server Authentication");

    /// <summary>Backdating absorbs small clock differences between the control plane and nodes.</summary>
    public static readonly TimeSpan Backdate = TimeSpan.FromMinutes(5);

    /// <summary>A self-signed root: CA, path length 1 (root → fleet CA → node).</summary>
    public static X509Certificate2 Root(X500DistinguishedName subject, PublicKey publicKey, X509SignatureGenerator self, DateTimeOffset now, TimeSpan lifetime)
    {
        var request = new CertificateRequest(subject, publicKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 1, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var ski = new X509SubjectKeyIdentifierExtension(publicKey, false);
        request.CertificateExtensions.Add(ski);
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(ski));
        return request.Create(subject, self, now - Backdate, now + lifetime, NewSerial());
    }

    /// <summary>The fleet CA, signed by the root: CA, path length 0 (it signs node certificates only).</summary>
    public static X509Certificate2 FleetCa(X500DistinguishedName subject, PublicKey publicKey, CaSigner root, DateTimeOffset now, TimeSpan lifetime)
    {
        var request = new CertificateRequest(subject, publicKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(publicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(root.Certificate, true, false));
        return request.Create(root.Certificate.SubjectName, root.Generator, now - Backdate, Min(now + lifetime, root.Certificate.NotAfter), NewSerial());
    }

    /// <summary>A node certificate: CN = node id, URI SAN <c>urn:cloudwg:node:&lt;id&gt;</c>, client-auth EKU, digitalSignature.</summary>
    public static X509Certificate2 Node(string nodeId, PublicKey publicKey, CaSigner fleet, DateTimeOffset now, TimeSpan lifetime)
    {
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName(nodeId);
        var request = new CertificateRequest(subject.Build(), publicKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([ClientAuth], false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddUri(NodeIdentity.ToUri(nodeId));
        request.CertificateExtensions.Add(san.Build(true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(publicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(fleet.Certificate, true, false));
        return request.Create(fleet.Certificate.SubjectName, fleet.Generator, now - Backdate, Min(now + lifetime, fleet.Certificate.NotAfter), NewSerial());
    }

    /// <summary>The control plane's TLS server certificate for its local mTLS endpoint.</summary>
    public static X509Certificate2 Server(IEnumerable<string> names, PublicKey publicKey, CaSigner fleet, DateTimeOffset now, TimeSpan lifetime)
    {
        var all = names.ToList();
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName(all.FirstOrDefault() ?? "localhost");
        var request = new CertificateRequest(subject.Build(), publicKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([ServerAuth], false));
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in all)
        {
            if (System.Net.IPAddress.TryParse(name, out var address))
            {
                san.AddIpAddress(address);
            }
            else
            {
                san.AddDnsName(name);
            }
        }

        request.CertificateExtensions.Add(san.Build(false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(publicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(fleet.Certificate, true, false));
        return request.Create(fleet.Certificate.SubjectName, fleet.Generator, now - Backdate, Min(now + lifetime, fleet.Certificate.NotAfter), NewSerial());
    }

    public static X500DistinguishedName Name(string commonName)
    {
        var builder = new X500DistinguishedNameBuilder();
        builder.AddOrganizationName("CloudWg");
        builder.AddCommonName(commonName);
        return builder.Build();
    }

    /// <summary>128 random bits, first byte cleared of its top bit so the DER integer stays positive.</summary>
    private static byte[] NewSerial()
    {
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] = (byte)((serial[0] & 0x7F) | 0x01);
        return serial;
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTime b)
    {
        var other = new DateTimeOffset(b.ToUniversalTime(), TimeSpan.Zero);
        return a < other ? a : other;
    }
}
