using CloudWg.Functions.Audit;
using CloudWg.Functions.Auth;
using CloudWg.Functions.Health;
using CloudWg.Functions.Hosting;
using CloudWg.Functions.Storage;

var builder = WebApplication.CreateBuilder(args);
builder.AddCloudWgHosting(args);
builder.Services.AddCloudWgStorage(builder.Configuration);
builder.Services.AddCloudWgAudit();
builder.Services.AddCloudWgAuthorization();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthorization();
app.MapHealth();
app.MapSpa();
app.Run();

/// <summary>Entry point; public for WebApplicationFactory tests.</summary>
public partial class Program;
