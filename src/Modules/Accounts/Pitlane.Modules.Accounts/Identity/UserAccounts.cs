using Microsoft.AspNetCore.Identity;
using Pitlane.Modules.Accounts;
using Pitlane.Platform;
using Pitlane.Platform.Persistence;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Accounts;

public sealed record RegistrationOutcome(PitlaneUser? User, Dictionary<string, string[]>? Errors);

/// <summary>Sign-up as one unit: the user, their personal organisation and their Owner membership, in one transaction.</summary>
public sealed class UserAccounts(AccountsDbContext db, UserManager<PitlaneUser> users, TimeProvider time)
{
    public async Task<RegistrationOutcome> RegisterAsync(string? email, string? password, string? displayName, CancellationToken ct)
    {
        var check = new Validation()
            .Require(AuthEndpoints.LooksLikeEmail(email), "email", "A valid email address is required.")
            .Require(!string.IsNullOrEmpty(password), "password", "Password is required.")
            .Require(!string.IsNullOrWhiteSpace(displayName) && displayName.Trim().Length <= 100, "displayName", "Display name is required (at most 100 characters).");
        if (!check.IsValid)
        {
            return new(null, check.Errors);
        }
        var now = time.GetUtcNow().UtcDateTime;
        var name = displayName!.Trim();
        var user = new PitlaneUser
        {
            Id = Guid.CreateVersion7(),
            UserName = email!.Trim(),
            Email = email.Trim(),
            DisplayName = name,
            CreatedAt = now,
        };
        foreach (var validator in users.PasswordValidators)
        {
            var passwordCheck = await validator.ValidateAsync(users, user, password!);
            if (!passwordCheck.Succeeded)
            {
                return new(null, new() { ["password"] = passwordCheck.Errors.Select(e => e.Description).ToArray() });
            }
        }
        if (await users.FindByEmailAsync(user.Email) is not null)
        {
            return new(null, new() { ["email.taken"] = ["An account with that email already exists."] });
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var personal = Organization.Create(name, OrganizationKind.Personal, now);
        db.Organizations.Add(personal);
        await db.SaveChangesAsync(ct);
        user.PersonalOrganizationId = personal.Id;
        var created = await users.CreateAsync(user, password!);
        if (!created.Succeeded)
        {
            await transaction.RollbackAsync(ct);
            db.ChangeTracker.Clear();
            var taken = created.Errors.Any(e => e.Code is "DuplicateEmail" or "DuplicateUserName");
            return new(null, taken
                ? new() { ["email.taken"] = ["An account with that email already exists."] }
                : new() { ["password"] = created.Errors.Select(e => e.Description).ToArray() });
        }
        db.Memberships.Add(Membership.Create(personal.Id, user.Id, OrganizationRole.Owner, now));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return new(user, null);
    }
}
