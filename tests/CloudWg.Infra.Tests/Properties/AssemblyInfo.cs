// The Bicep CLI package is linux-x64 and the packaging tests run a Linux custom handler.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
