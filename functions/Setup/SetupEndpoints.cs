using CloudWg.Functions.Admins;
using CloudWg.Functions.Auth;
using CloudWg.Functions.RateLimiting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CloudWg.Functions.Setup;

/// <summary>First-owner creation with the one-time setup token; gone (410) once any admin exists.</summary>
public static class SetupEndpoints
{
    public static IEndpointRouteBuilder MapSetup(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/setup").WithTags("Setup").AllowAnonymous();
        group.MapGet("/", Status).WithSummary("Whether the first owner still has to be created.");
        group.MapPost("/", CreateOwner).Accepts<SetupRequest>("application/json").WithSummary("Creates the first owner with the setup token; 410 afterwards.");
        return app;
    }

    public static async Task<Ok<SetupStatus>> Status(AdminStore admins, CancellationToken cancellationToken) =>
        TypedResults.Ok(new SetupStatus(!await admins.AnyAsync(cancellationToken)));

    public static async Task<Results<Created<AdminDto>, ValidationProblem, ProblemHttpResult>> CreateOwner(
        HttpContext context, AdminStore admins, SetupTokenService setup, TableRateLimiter limiter,
        ClientAddress clientAddress, AuthAudit audit, IOptions<AuthOptions> options)
    {
        var ct = context.RequestAborted;
        if (await admins.AnyAsync(ct))
        {
            return Gone();
        }

        var (request, bodyProblem) = await RequestJson.ReadAsync<SetupRequest>(context);
        if (request is null)
        {
            return bodyProblem!;
        }

        var key = $"setup:addr:{clientAddress.Of(context)}";
        if (await limiter.RetryAfterAsync(key, ct) is { } wait)
        {
            return AuthResults.TooManyAttempts(context, wait);
        }

        var username = AdminValidation.NormalizeUsername(request.Username);
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Token) || request.Token.Length > 200)
        {
            errors["token"] = [$"Token is required: copy it from the file {SetupTokenService.FileName} in the control plane's state directory (in Azure: the Key Vault secret the deployment names)."];
        }

        if (AdminValidation.UsernameError(username) is { } usernameError)
        {
            errors["username"] = [usernameError];
        }

        if (AdminValidation.PasswordError(request.Password, username, options.Value.MinimumPasswordLength) is { } passwordError)
        {
            errors["password"] = [passwordError];
        }

        if (errors.Count > 0)
        {
            return AuthResults.Invalid(errors);
        }

        switch (await setup.TryConsumeAsync(request.Token!.Trim(), ct))
        {
            case SetupTokenCheck.Invalid:
                await limiter.RecordFailureAsync(key, ct);
                await audit.RecordAsync(context, "anonymous", "setup.owner.create", success: false, detail: "wrong or expired setup token");
                return AuthResults.Invalid("token", $"The setup token is wrong or has expired; copy the current one from the file {SetupTokenService.FileName} in the control plane's state directory (in Azure: the Key Vault secret the deployment names).");
            case SetupTokenCheck.Used:
                return Gone();
        }

        var admin = await admins.CreateAsync(username, request.Password!, Roles.Owner, ct);
        if (admin is null)
        {
            return AuthResults.Conflict($"An admin named '{username}' already exists.");
        }

        setup.DeleteLocalFile();
        await audit.RecordAsync(context, username, "setup.owner.create", success: true, "admin", username, versionAfter: admin.ETag.ToString());
        context.Response.Headers.ETag = admin.ETag.ToString();
        return TypedResults.Created($"/api/admins/{username}", AdminDto.From(admin));
    }

    private static ProblemHttpResult Gone() => TypedResults.Problem(
        "Setup is done: an owner exists. Sign in with POST /api/auth/login.", statusCode: StatusCodes.Status410Gone, title: "Setup is done");
}
