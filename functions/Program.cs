using CloudWg.Functions.Admins;
using CloudWg.Functions.Audit;
using CloudWg.Functions.Auth;
using CloudWg.Functions.FirewallRules;
using CloudWg.Functions.Health;
using CloudWg.Functions.Hosting;
using CloudWg.Functions.Nodes;
using CloudWg.Functions.OpenApi;
using CloudWg.Functions.Peers;
using CloudWg.Functions.Publishing;
using CloudWg.Functions.Routes;
using CloudWg.Functions.Setup;
using CloudWg.Functions.Storage;
using CloudWg.Functions.Tokens;
using CloudWg.Functions.Triggers;

var builder = WebApplication.CreateBuilder(args);
builder.AddCloudWgHosting(args);
builder.Services.AddCloudWgStorage(builder.Configuration);
builder.Services.AddCloudWgAudit();
builder.Services.AddCloudWgAuthorization();
builder.Services.AddCloudWgFleet();
builder.Services.AddCloudWgPublishing();
builder.Services.AddCloudWgTriggers();
builder.Services.AddCloudWgOpenApi();
builder.Services.AddCloudWgAuthentication();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseCloudWgAuthentication();
app.UseAuthorization();
app.MapHealth();
app.MapCloudWgOpenApi();
app.MapNodes();
app.MapPeers();
app.MapRoutes();
app.MapFirewallRules();
app.MapTriggers();
app.MapSetup();
app.MapAuth();
app.MapAdmins();
app.MapTokens();
app.MapAudit();
app.MapSpa();
app.Run();

/// <summary>Entry point; public for WebApplicationFactory tests.</summary>
public partial class Program;
