// These tests drive Linux networking (network namespaces, wireguard-go, file modes).
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
