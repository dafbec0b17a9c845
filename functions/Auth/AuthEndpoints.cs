using System.Security.Claims;
using CloudWg.Functions.Admins;
using CloudWg.Functions.RateLimiting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CloudWg.Functions.Auth;

/// <summary>Sign-in, MFA, sessions and the signed-in admin's own account.</summary>
public static class AuthEndpoints
{
    private const string WrongCredentials = "The username or password is wrong.";
    private const string MfaStepGone = "The sign-in step has expired or was already used; sign in again with your password.";

    public static IEndpointRouteBuilder MapAuth(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/auth").WithTags("Auth");
        group.MapPost("/login", Login).Accepts<LoginRequest>("application/json").AllowAnonymous()
            .WithSummary("Password step: sets the session cookie, or answers {mfaRequired, mfaToken} for the TOTP step.");
        group.MapPost("/mfa", Mfa).Accepts<MfaRequest>("application/json").AllowAnonymous()
            .WithSummary("TOTP or recovery code for an mfaToken from /login: sets the session cookie.");
        group.MapPost("/logout", Logout).RequireAuthorization(Policies.Account);
        group.MapPost("/logout-everywhere", LogoutEverywhere).RequireAuthorization(Policies.Account)
            .WithSummary("Ends every session of the signed-in admin, on every device.");
        group.MapGet("/me", Me).RequireAuthorization(Policies.Authenticated);
        group.MapPost("/totp/setup", TotpSetup).RequireAuthorization(Policies.Account)
            .WithSummary("New TOTP secret and otpauth URI, to confirm within 5 minutes.");
        group.MapPost("/totp/confirm", TotpConfirm).Accepts<TotpConfirmRequest>("application/json").RequireAuthorization(Policies.Account)
            .WithSummary("Turns TOTP on with a first code; returns ten single-use recovery codes, shown once.");
        group.MapPost("/password", ChangePassword).Accepts<PasswordChangeRequest>("application/json").RequireAuthorization(Policies.Account)
            .WithSummary("Changes the password; every other session ends.");
        group.MapGet("/settings", GetSettings).RequireAuthorization(Policies.Viewer);
        group.MapPut("/settings", PutSettings).Accepts<SecuritySettingsRequest>("application/json").RequireAuthorization(Policies.Owner)
            .WithSummary("Owner: require MFA for every admin.");
        return app;
    }

    public static async Task<Results<Ok<LoginResponse>, ValidationProblem, ProblemHttpResult>> Login(
        HttpContext context, AdminStore admins, SessionStore sessions, PasswordHasher hasher,
        TableRateLimiter limiter, ClientAddress clientAddress, AuthAudit audit, TimeProvider time, IOptions<AuthOptions> options)
    {
        var (request, bodyProblem) = await RequestJson.ReadAsync<LoginRequest>(context);
        if (request is null)
        {
            return bodyProblem!;
        }

        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Username) || request.Username.Length > 256)
        {
            errors["username"] = ["Username is required (at most 64 characters)."];
        }

        if (string.IsNullOrEmpty(request.Password) || request.Password.Length > 1024)
        {
            errors["password"] = ["Password is required (at most 1024 characters)."];
        }

        if (errors.Count > 0)
        {
            return AuthResults.Invalid(errors);
        }

        var ct = context.RequestAborted;
        var username = AdminValidation.NormalizeUsername(request.Username);
        string[] keys = [$"login:user:{username}", $"login:addr:{clientAddress.Of(context)}"];
        if (await limiter.RetryAfterAsync(keys, ct) is { } wait)
        {
            await audit.RecordAsync(context, "anonymous", "auth.login.rate-limited", success: false, detail: "too many failed sign-ins for this account or address");
            return AuthResults.TooManyAttempts(context, wait);
        }

        // Unknown and disabled accounts do the same work and answer the same as a wrong password.
        var admin = await admins.GetAsync(username, ct);
        var needsRehash = false;
        var ok = admin is null ? DummyVerify(hasher, request.Password!) : hasher.Verify(request.Password!, admin.PasswordHash, out needsRehash);
        if (!ok || admin is null || admin.Disabled)
        {
            foreach (var key in keys)
            {
                await limiter.RecordFailureAsync(key, ct);
            }

            // An unknown name is not recorded: people type their password into the username field.
            await audit.RecordAsync(context, admin?.Id ?? "anonymous", "auth.login.failed", success: false, "admin", admin?.Id,
                detail: admin is null ? "unknown username" : ok ? "account disabled" : "wrong password");
            return AuthResults.Unauthorized(WrongCredentials);
        }

        await limiter.ResetAsync(keys[0], ct);
        if (needsRehash)
        {
            var oldHash = admin.PasswordHash;
            var newHash = hasher.Hash(request.Password!);
            admin = await admins.UpdateAsync(admin.Id, a =>
            {
                // Only if the password did not change meanwhile.
                if (a.PasswordHash != oldHash)
                {
                    return false;
                }

                a.PasswordHash = newHash;
                return true;
            }, ct) ?? admin;
        }

        if (admin.MfaEnabled)
        {
            var mfaToken = await sessions.CreateMfaStepAsync(admin, clientAddress.Of(context), ct);
            await audit.RecordAsync(context, admin.Id, "auth.login.password-accepted", success: true, "admin", admin.Id, detail: "waiting for the MFA code");
            return TypedResults.Ok(new LoginResponse(true, mfaToken, null));
        }

        return TypedResults.Ok(await StartSessionAsync(context, admin, admins, sessions, clientAddress, audit, time, options, "password"));
    }

    public static async Task<Results<Ok<LoginResponse>, ValidationProblem, ProblemHttpResult>> Mfa(
        HttpContext context, AdminStore admins, SessionStore sessions, TotpService totp,
        TableRateLimiter limiter, ClientAddress clientAddress, AuthAudit audit, TimeProvider time, IOptions<AuthOptions> options)
    {
        var (request, bodyProblem) = await RequestJson.ReadAsync<MfaRequest>(context);
        if (request is null)
        {
            return bodyProblem!;
        }

        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.MfaToken))
        {
            errors["mfaToken"] = ["mfaToken is required: it comes from POST /api/auth/login."];
        }

        if (string.IsNullOrWhiteSpace(request.Code) || request.Code.Length > 64)
        {
            errors["code"] = ["Code is required: the 6 digits of your authenticator app, or a recovery code."];
        }

        if (errors.Count > 0)
        {
            return AuthResults.Invalid(errors);
        }

        var ct = context.RequestAborted;
        var step = await sessions.FindAsync(SessionStore.MfaRow, request.MfaToken!, ct);
        if (step is null)
        {
            return AuthResults.Unauthorized(MfaStepGone);
        }

        string[] keys = [$"mfa:user:{step.AdminId}", $"mfa:addr:{clientAddress.Of(context)}"];
        if (await limiter.RetryAfterAsync(keys, ct) is { } wait)
        {
            await audit.RecordAsync(context, step.AdminId, "auth.mfa.rate-limited", success: false, "admin", step.AdminId);
            return AuthResults.TooManyAttempts(context, wait);
        }

        var admin = await admins.GetAsync(step.AdminId, ct);
        if (admin is null || admin.Disabled || admin.SecurityStamp != step.Stamp || !admin.MfaEnabled)
        {
            await sessions.DeleteAsync(step, ct);
            return AuthResults.Unauthorized(MfaStepGone);
        }

        var (updated, usedRecovery) = await AcceptCodeAsync(admins, totp, admin.Id, request.Code!, ct);
        if (updated is null)
        {
            foreach (var key in keys)
            {
                await limiter.RecordFailureAsync(key, ct);
            }

            await audit.RecordAsync(context, admin.Id, "auth.mfa.failed", success: false, "admin", admin.Id, detail: "wrong, expired or reused code");
            return AuthResults.Unauthorized("The code is wrong, expired or was already used.");
        }

        if (!await sessions.TryConsumeAsync(step, ct))
        {
            return AuthResults.Unauthorized(MfaStepGone);
        }

        await limiter.ResetAsync(keys[0], ct);
        var method = usedRecovery ? $"recovery code ({updated.RecoveryCodesLeft} left)" : "totp";
        return TypedResults.Ok(await StartSessionAsync(context, updated, admins, sessions, clientAddress, audit, time, options, method));
    }

    public static async Task<NoContent> Logout(HttpContext context, SessionStore sessions, AuthAudit audit)
    {
        if (SessionCookie.Read(context) is { } token && await sessions.FindAsync(SessionStore.SessionRow, token, context.RequestAborted) is { } session)
        {
            await sessions.DeleteAsync(session, context.RequestAborted);
        }

        SessionCookie.Clear(context);
        await audit.RecordAsync(context, AdminPrincipal.Id(context.User), "auth.logout", success: true);
        return TypedResults.NoContent();
    }

    public static async Task<NoContent> LogoutEverywhere(HttpContext context, AdminStore admins, SessionStore sessions, AuthAudit audit)
    {
        var id = AdminPrincipal.Id(context.User);
        await admins.UpdateAsync(id, a =>
        {
            a.SecurityStamp = AdminStore.NewStamp();
            return true;
        }, context.RequestAborted);
        await sessions.DeleteAllAsync(id, context.RequestAborted);
        SessionCookie.Clear(context);
        await audit.RecordAsync(context, id, "auth.logout-everywhere", success: true, "admin", id);
        return TypedResults.NoContent();
    }

    public static async Task<Results<Ok<MeResponse>, ProblemHttpResult>> Me(HttpContext context, AdminStore admins)
    {
        var admin = await admins.GetAsync(AdminPrincipal.Id(context.User), context.RequestAborted);
        if (admin is null)
        {
            return AuthResults.Unauthorized("Your account no longer exists.");
        }

        var settings = await admins.GetSettingsAsync(context.RequestAborted);
        return TypedResults.Ok(ToMe(admin, settings, context.User));
    }

    public static async Task<Results<Ok<TotpSetupResponse>, ProblemHttpResult>> TotpSetup(
        HttpContext context, AdminStore admins, TotpService totp, AuthAudit audit, TimeProvider time, IOptions<AuthOptions> options)
    {
        var id = AdminPrincipal.Id(context.User);
        var secret = TotpService.NewSecret();
        var expires = time.GetUtcNow() + options.Value.TotpSetupLifetime;
        var cipher = await totp.CipherAsync(context.RequestAborted);
        var admin = await admins.UpdateAsync(id, a =>
        {
            a.PendingTotpSecret = TotpService.Protect(cipher, a.Id, secret);
            a.PendingTotpExpiresAt = expires;
            return true;
        }, context.RequestAborted);
        if (admin is null)
        {
            return AuthResults.Unauthorized("Your account no longer exists.");
        }

        await audit.RecordAsync(context, id, "auth.totp.setup", success: true, "admin", id);
        var uri = TotpService.OtpauthUri(id, secret);
        return TypedResults.Ok(new TotpSetupResponse(TotpService.Base32(secret), uri, TotpService.QrSvg(uri), expires));
    }

    public static async Task<Results<Ok<RecoveryCodesResponse>, ValidationProblem, ProblemHttpResult>> TotpConfirm(
        HttpContext context, AdminStore admins, TotpService totp, TableRateLimiter limiter,
        ClientAddress clientAddress, AuthAudit audit, TimeProvider time)
    {
        var (request, bodyProblem) = await RequestJson.ReadAsync<TotpConfirmRequest>(context);
        if (request is null)
        {
            return bodyProblem!;
        }

        if (string.IsNullOrWhiteSpace(request.Code) || request.Code.Length > 16)
        {
            return AuthResults.Invalid("code", "Code is required: the 6 digits your authenticator app shows for the new secret.");
        }

        var ct = context.RequestAborted;
        var id = AdminPrincipal.Id(context.User);
        string[] keys = [$"mfa:user:{id}", $"mfa:addr:{clientAddress.Of(context)}"];
        if (await limiter.RetryAfterAsync(keys, ct) is { } wait)
        {
            return AuthResults.TooManyAttempts(context, wait);
        }

        var codes = TotpService.NewRecoveryCodes();
        var pendingMissing = false;
        var cipher = await totp.CipherAsync(ct);
        var admin = await admins.UpdateAsync(id, a =>
        {
            var secret = a.PendingTotpExpiresAt > time.GetUtcNow() ? TotpService.Unprotect(cipher, a.Id, a.PendingTotpSecret) : null;
            pendingMissing = secret is null;
            if (secret is null || totp.Verify(secret, request.Code!) is not { } step)
            {
                return false;
            }

            a.TotpSecret = a.PendingTotpSecret;
            a.PendingTotpSecret = null;
            a.PendingTotpExpiresAt = null;
            a.MfaEnabled = true;
            a.LastTotpStep = step;
            a.RecoveryCodes = string.Join(',', codes.Select(c => TotpService.HashRecoveryCode(a.Id, c)));
            return true;
        }, ct);
        if (admin is null)
        {
            if (pendingMissing)
            {
                return AuthResults.Invalid("code", "No TOTP setup is pending, or it expired: start again with POST /api/auth/totp/setup.");
            }

            foreach (var key in keys)
            {
                await limiter.RecordFailureAsync(key, ct);
            }

            await audit.RecordAsync(context, id, "auth.totp.confirm", success: false, "admin", id, detail: "wrong code");
            return AuthResults.Invalid("code", "The code does not match the new secret; check the authenticator app's clock and try the current code.");
        }

        await audit.RecordAsync(context, id, "auth.totp.enabled", success: true, "admin", id);
        return TypedResults.Ok(new RecoveryCodesResponse(codes));
    }

    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> ChangePassword(
        HttpContext context, AdminStore admins, SessionStore sessions, PasswordHasher hasher,
        TableRateLimiter limiter, ClientAddress clientAddress, AuthAudit audit, TimeProvider time, IOptions<AuthOptions> options)
    {
        var (request, bodyProblem) = await RequestJson.ReadAsync<PasswordChangeRequest>(context);
        if (request is null)
        {
            return bodyProblem!;
        }

        var ct = context.RequestAborted;
        var id = AdminPrincipal.Id(context.User);
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrEmpty(request.CurrentPassword) || request.CurrentPassword.Length > 1024)
        {
            errors["currentPassword"] = ["Current password is required."];
        }

        if (AdminValidation.PasswordError(request.NewPassword, id, options.Value.MinimumPasswordLength) is { } passwordError)
        {
            errors["newPassword"] = [passwordError];
        }

        if (errors.Count > 0)
        {
            return AuthResults.Invalid(errors);
        }

        string[] keys = [$"login:user:{id}", $"login:addr:{clientAddress.Of(context)}"];
        if (await limiter.RetryAfterAsync(keys, ct) is { } wait)
        {
            return AuthResults.TooManyAttempts(context, wait);
        }

        var admin = await admins.GetAsync(id, ct);
        if (admin is null || !hasher.Verify(request.CurrentPassword!, admin.PasswordHash, out _))
        {
            foreach (var key in keys)
            {
                await limiter.RecordFailureAsync(key, ct);
            }

            await audit.RecordAsync(context, id, "auth.password.change", success: false, "admin", id, detail: "wrong current password");
            return AuthResults.Invalid("currentPassword", "The current password is wrong.");
        }

        var newHash = hasher.Hash(request.NewPassword!);
        admin = await admins.UpdateAsync(id, a =>
        {
            a.PasswordHash = newHash;
            a.SecurityStamp = AdminStore.NewStamp();
            return true;
        }, ct);
        if (admin is null)
        {
            return AuthResults.Unauthorized("Your account no longer exists.");
        }

        await sessions.DeleteAllAsync(id, ct);
        await StartSessionAsync(context, admin, admins, sessions, clientAddress, audit, time, options, "password change");
        await audit.RecordAsync(context, id, "auth.password.changed", success: true, "admin", id);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<SecuritySettings>> GetSettings(AdminStore admins, CancellationToken cancellationToken) =>
        TypedResults.Ok(await admins.GetSettingsAsync(cancellationToken));

    public static async Task<Results<Ok<SecuritySettings>, ValidationProblem, ProblemHttpResult>> PutSettings(
        HttpContext context, AdminStore admins, AuthAudit audit)
    {
        var (request, bodyProblem) = await RequestJson.ReadAsync<SecuritySettingsRequest>(context);
        if (request is null)
        {
            return bodyProblem!;
        }

        if (request.RequireMfa is not { } requireMfa)
        {
            return AuthResults.Invalid("requireMfa", "requireMfa is required: true or false.");
        }

        var settings = new SecuritySettings(requireMfa);
        await admins.SetSettingsAsync(settings, context.RequestAborted);
        var id = AdminPrincipal.Id(context.User);
        await audit.RecordAsync(context, id, "auth.settings.update", success: true, "settings", "security", detail: $"requireMfa={requireMfa}");
        return TypedResults.Ok(settings);
    }

    /// <summary>Checks a TOTP code (a time step newer than the last one used) or spends a recovery code, atomically.</summary>
    private static async Task<(AdminEntity? Admin, bool UsedRecovery)> AcceptCodeAsync(AdminStore admins, TotpService totp, string id, string code, CancellationToken ct)
    {
        var recovery = TotpService.LooksLikeRecoveryCode(code);
        var cipher = await totp.CipherAsync(ct);
        var admin = await admins.UpdateAsync(id, a =>
        {
            if (recovery)
            {
                var hash = TotpService.HashRecoveryCode(a.Id, code);
                var left = (a.RecoveryCodes ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).ToList();
                if (!left.Remove(hash))
                {
                    return false;
                }

                a.RecoveryCodes = string.Join(',', left);
                return true;
            }

            var secret = TotpService.Unprotect(cipher, a.Id, a.TotpSecret);
            if (secret is null || totp.Verify(secret, code) is not { } step || step <= a.LastTotpStep)
            {
                return false;
            }

            a.LastTotpStep = step;
            return true;
        }, ct);
        return (admin, recovery);
    }

    private static async Task<LoginResponse> StartSessionAsync(
        HttpContext context, AdminEntity admin, AdminStore admins, SessionStore sessions, ClientAddress clientAddress,
        AuthAudit audit, TimeProvider time, IOptions<AuthOptions> options, string method)
    {
        var ct = context.RequestAborted;
        var now = time.GetUtcNow();
        var token = await sessions.CreateSessionAsync(admin, clientAddress.Of(context), ct);
        SessionCookie.Set(context, token, now + options.Value.SessionLifetime);
        admin.LastLoginAt = now;
        if (!await admins.TryUpdateAsync(admin, ct, touch: false))
        {
            // Changed concurrently; the last-login time is informational.
            admin = await admins.GetAsync(admin.Id, ct) ?? admin;
        }

        await audit.RecordAsync(context, admin.Id, "auth.login", success: true, "admin", admin.Id, detail: $"signed in with {method}");
        var settings = await admins.GetSettingsAsync(ct);
        var principal = AdminPrincipal.Create(admin, CloudWgAuthenticationDefaults.SessionScheme, CloudWgClaims.MethodSession, null, !admin.MfaEnabled && settings.RequireMfa);
        return new LoginResponse(false, null, ToMe(admin, settings, principal));
    }

    private static bool DummyVerify(PasswordHasher hasher, string password)
    {
        hasher.VerifyDummy(password);
        return false;
    }

    public static MeResponse ToMe(AdminEntity admin, SecuritySettings settings, ClaimsPrincipal user) => new(
        admin.Id,
        admin.Id,
        admin.Role,
        admin.MfaEnabled,
        settings.RequireMfa,
        settings.RequireMfa && !admin.MfaEnabled,
        admin.RecoveryCodesLeft,
        user.FindFirstValue(CloudWgClaims.Method) ?? CloudWgClaims.MethodSession,
        user.FindFirstValue(CloudWgClaims.Scope));
}
