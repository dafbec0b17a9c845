using CloudWg.Functions.Admins;
using CloudWg.Functions.Audit;
using CloudWg.Functions.Auth;
using CloudWg.Functions.Health;
using CloudWg.Functions.Hosting;
using CloudWg.Functions.Setup;
using CloudWg.Functions.Storage;
using CloudWg.Functions.Tokens;

var builder = WebApplication.CreateBuilder(args);
builder.AddCloudWgHosting(args);
builder.Services.AddCloudWgStorage(builder.Configuration);
builder.Services.AddCloudWgAudit();
builder.Services.AddCloudWgAuthorization();
builder.Services.AddCloudWgAuthentication();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseCloudWgAuthentication();
app.UseAuthorization();
app.MapHealth();
app.MapSetup();
app.MapAuth();
app.MapAdmins();
app.MapTokens();
app.MapAudit();
app.MapSpa();
app.Run();

/// <summary>Entry point; public for WebApplicationFactory tests.</summary>
public partial class Program;
