using CloudWg.Tests.Shared;

[assembly: AssemblyFixture(typeof(AzuriteFixture))]
