using Azure;
using CloudWg.Functions.Auth;
using CloudWg.Functions.Tokens;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CloudWg.Functions.Admins;

/// <summary>Owner-only management of admins. The last enabled owner can be neither demoted, disabled nor deleted.</summary>
public static class AdminsEndpoints
{
    public static IEndpointRouteBuilder MapAdmins(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admins").WithTags("Admins").RequireAuthorization(Policies.Owner);
        group.MapGet("/", List);
        group.MapPost("/", Create).Accepts<CreateAdminRequest>("application/json");
        group.MapGet("/{id}", Get);
        group.MapPatch("/{id}", Update).Accepts<UpdateAdminRequest>("application/json").WithSummary("Change role, disable/enable, reset MFA or set a new password. Needs If-Match.");
        group.MapDelete("/{id}", Delete).WithSummary("Needs If-Match.");
        return app;
    }

    public static async Task<Ok<IReadOnlyList<AdminDto>>> List(AdminStore admins, CancellationToken cancellationToken) =>
        TypedResults.Ok<IReadOnlyList<AdminDto>>((await admins.ListAsync(cancellationToken)).OrderBy(a => a.Id, StringComparer.Ordinal).Select(AdminDto.From).ToList());

    public static async Task<Results<Ok<AdminDto>, ProblemHttpResult>> Get(string id, HttpContext context, AdminStore admins)
    {
        var admin = await admins.GetAsync(AdminValidation.NormalizeUsername(id), context.RequestAborted);
        if (admin is null)
        {
            return NotFound(id);
        }

        context.Response.Headers.ETag = admin.ETag.ToString();
        return TypedResults.Ok(AdminDto.From(admin));
    }

    public static async Task<Results<Created<AdminDto>, ValidationProblem, ProblemHttpResult>> Create(
        HttpContext context, AdminStore admins, AuthAudit audit, IOptions<AuthOptions> options)
    {
        var (request, bodyProblem) = await RequestJson.ReadAsync<CreateAdminRequest>(context);
        if (request is null)
        {
            return bodyProblem!;
        }

        var username = AdminValidation.NormalizeUsername(request.Username);
        var errors = new Dictionary<string, string[]>();
        if (AdminValidation.UsernameError(username) is { } usernameError)
        {
            errors["username"] = [usernameError];
        }

        if (AdminValidation.PasswordError(request.Password, username, options.Value.MinimumPasswordLength) is { } passwordError)
        {
            errors["password"] = [passwordError];
        }

        if (AdminValidation.RoleError(request.Role) is { } roleError)
        {
            errors["role"] = [roleError];
        }

        if (errors.Count > 0)
        {
            return AuthResults.Invalid(errors);
        }

        var admin = await admins.CreateAsync(username, request.Password!, request.Role!, context.RequestAborted);
        if (admin is null)
        {
            return AuthResults.Conflict($"An admin named '{username}' already exists.");
        }

        await audit.RecordAsync(context, AdminPrincipal.Id(context.User), "admin.create", success: true, "admin", username, detail: $"role {admin.Role}", versionAfter: admin.ETag.ToString());
        context.Response.Headers.ETag = admin.ETag.ToString();
        return TypedResults.Created($"/api/admins/{username}", AdminDto.From(admin));
    }

    public static async Task<Results<Ok<AdminDto>, ValidationProblem, ProblemHttpResult>> Update(
        string id, HttpContext context, AdminStore admins, SessionStore sessions,
        PasswordHasher hasher, AuthAudit audit, IOptions<AuthOptions> options)
    {
        var (request, bodyProblem) = await RequestJson.ReadAsync<UpdateAdminRequest>(context);
        if (request is null)
        {
            return bodyProblem!;
        }

        var ct = context.RequestAborted;
        var actor = AdminPrincipal.Id(context.User);
        if (IfMatch(context) is not { } ifMatch)
        {
            return PreconditionRequired();
        }

        var admin = await admins.GetAsync(AdminValidation.NormalizeUsername(id), ct);
        if (admin is null)
        {
            return NotFound(id);
        }

        var errors = new Dictionary<string, string[]>();
        if (request.Role is not null && AdminValidation.RoleError(request.Role) is { } roleError)
        {
            errors["role"] = [roleError];
        }

        if (request.Password is not null && AdminValidation.PasswordError(request.Password, admin.Id, options.Value.MinimumPasswordLength) is { } passwordError)
        {
            errors["password"] = [passwordError];
        }

        if (request is { Role: null, Disabled: null, ResetMfa: null, Password: null })
        {
            errors["body"] = ["Nothing to change: give role, disabled, resetMfa or password."];
        }

        if (errors.Count > 0)
        {
            return AuthResults.Invalid(errors);
        }

        if (ifMatch != admin.ETag)
        {
            return PreconditionFailed();
        }

        var before = admin.ETag.ToString();
        var changes = new List<string>();
        if (request.Role is { } role && role != admin.Role)
        {
            changes.Add($"role {admin.Role} → {role}");
            admin.Role = role;
        }

        if (request.Disabled is { } disabled && disabled != admin.Disabled)
        {
            if (disabled && admin.Id == actor)
            {
                return AuthResults.Conflict("You cannot disable your own account.");
            }

            changes.Add(disabled ? "disabled" : "enabled");
            admin.Disabled = disabled;
            admin.SecurityStamp = AdminStore.NewStamp();
        }

        if (request.ResetMfa == true && (admin.MfaEnabled || admin.PendingTotpSecret is not null))
        {
            changes.Add("MFA reset");
            admin.MfaEnabled = false;
            admin.TotpSecret = null;
            admin.PendingTotpSecret = null;
            admin.PendingTotpExpiresAt = null;
            admin.RecoveryCodes = null;
        }

        if (request.Password is not null)
        {
            changes.Add("password set");
            admin.PasswordHash = hasher.Hash(request.Password);
            admin.SecurityStamp = AdminStore.NewStamp();
        }

        var result = await WriteGuardedAsync(admins, admin, losesOwner: admin.Role != Roles.Owner || admin.Disabled, () => admins.TryUpdateAsync(admin, ct), ct);
        if (result is not null)
        {
            return result;
        }

        if (request.Password is not null || request.Disabled == true)
        {
            await sessions.DeleteAllAsync(admin.Id, ct);
        }

        await audit.RecordAsync(context, actor, "admin.update", success: true, "admin", admin.Id,
            detail: changes.Count == 0 ? "no change" : string.Join(", ", changes), versionBefore: before, versionAfter: admin.ETag.ToString());
        context.Response.Headers.ETag = admin.ETag.ToString();
        return TypedResults.Ok(AdminDto.From(admin));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        string id, HttpContext context, AdminStore admins, SessionStore sessions, ApiTokenStore tokens, AuthAudit audit)
    {
        var ct = context.RequestAborted;
        var actor = AdminPrincipal.Id(context.User);
        if (IfMatch(context) is not { } ifMatch)
        {
            return PreconditionRequired();
        }

        var admin = await admins.GetAsync(AdminValidation.NormalizeUsername(id), ct);
        if (admin is null)
        {
            return NotFound(id);
        }

        if (ifMatch != admin.ETag)
        {
            return PreconditionFailed();
        }

        if (admin.Id == actor)
        {
            return AuthResults.Conflict("You cannot delete your own account; another owner can.");
        }

        var before = admin.ETag.ToString();
        var result = await WriteGuardedAsync(admins, admin, losesOwner: true, () => admins.TryDeleteAsync(admin, ct), ct);
        if (result is not null)
        {
            return result;
        }

        await sessions.DeleteAllAsync(admin.Id, ct);
        foreach (var token in await tokens.ListAsync(admin.Id, ct))
        {
            await tokens.DeleteAsync(token.Id, ct);
        }

        await audit.RecordAsync(context, actor, "admin.delete", success: true, "admin", admin.Id, versionBefore: before);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// Performs <paramref name="write"/>; when it would take away an enabled owner, first checks under the owner
    /// lock that another enabled owner remains. Null on success, else the problem to return.
    /// </summary>
    private static async Task<ProblemHttpResult?> WriteGuardedAsync(AdminStore admins, AdminEntity target, bool losesOwner, Func<Task<bool>> write, CancellationToken ct)
    {
        var stored = await admins.GetAsync(target.Id, ct);
        var wasEnabledOwner = stored is { Role: Roles.Owner, Disabled: false };
        if (!(wasEnabledOwner && losesOwner))
        {
            return await write() ? null : PreconditionFailed();
        }

        ProblemHttpResult? problem = null;
        var locked = await admins.WithOwnerLockAsync(async () =>
        {
            var others = (await admins.ListAsync(ct)).Count(a => a.Id != target.Id && a is { Role: Roles.Owner, Disabled: false });
            if (others == 0)
            {
                problem = AuthResults.Conflict($"'{target.Id}' is the last enabled owner; make another admin owner first.");
                return;
            }

            if (!await write())
            {
                problem = PreconditionFailed();
            }
        }, ct);
        return locked ? problem : AuthResults.Conflict("Another owner change is in progress; try again.");
    }

    private static ETag? IfMatch(HttpContext context) =>
        context.Request.Headers.IfMatch.ToString() is { Length: > 0 } value ? new ETag(value) : null;

    private static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem($"No admin '{id}' exists.", statusCode: StatusCodes.Status404NotFound, title: "Not found");

    private static ProblemHttpResult PreconditionRequired() =>
        TypedResults.Problem("Send the admin's ETag in If-Match (from GET /api/admins/{id}).", statusCode: StatusCodes.Status428PreconditionRequired, title: "Precondition required");

    private static ProblemHttpResult PreconditionFailed() =>
        TypedResults.Problem("The admin was changed by someone else; reload and try again.", statusCode: StatusCodes.Status412PreconditionFailed, title: "Precondition failed");
}
