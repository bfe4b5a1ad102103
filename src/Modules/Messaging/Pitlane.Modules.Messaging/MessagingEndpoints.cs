using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Pitlane.Modules.Messaging.Contracts;
using Pitlane.Modules.Messaging.FollowUps;
using Pitlane.Modules.Messaging.Sms;
using Pitlane.Modules.Messaging.Threads;
using Pitlane.Platform;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Modules.Messaging;

public sealed record SendRequest(string? Channel, string? Body, string? Subject, Guid? RepairOrderId);

public sealed record SettingsRequest(string? TimeZone, string? QuietStart, string? QuietEnd, bool? RemindersEnabled, string? ShopName);

public sealed record SettingsResponse(string TimeZone, string QuietStart, string QuietEnd, bool RemindersEnabled, string ShopName, string SmsProvider, string EmailProvider);

public sealed record DeclinedRequest(Guid? RepairOrderId);

public sealed record MaintenanceRequest(Guid? CustomerId, string? Text, DateTimeOffset? DueAt);

public sealed record FollowUpResponse(Guid Id, Guid CustomerId, Guid? RepairOrderId, Guid? JobId, string Kind, string Text, DateTime DueAt, string Status, string? Outcome)
{
    public static FollowUpResponse From(FollowUp f) => new(f.Id, f.CustomerId, f.RepairOrderId, f.JobId, f.Kind, f.Text, f.DueAt, f.Status, f.Outcome);
}

public sealed record PhoneReply(string? Body);

/// <summary>
/// /api/v1/messaging: the inbox, a customer's thread, sending, the e-mail outbox, quiet hours, follow-ups, the simulator's
/// phone; and Twilio's two webhooks (inbound texts, status callbacks), which carry no login and are checked by signature.
/// </summary>
public static class MessagingEndpoints
{
    public const int MaxSmsLength = 1600;

    public static void MapMessagingEndpoints(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapTenantApi("/api/v1/messaging", "Messaging");
        api.MapGet("/threads", Inbox).RequirePermission(MessagingPermissions.View);
        api.MapGet("/customers/{customerId:guid}/thread", Thread).RequirePermission(MessagingPermissions.View);
        api.MapPost("/customers/{customerId:guid}/messages", Send).RequirePermission(MessagingPermissions.Send);
        api.MapPost("/customers/{customerId:guid}/read", Read).RequirePermission(MessagingPermissions.View);
        api.MapGet("/repair-orders/{repairOrderId:guid}/messages", RepairOrder).RequirePermission(MessagingPermissions.View);
        api.MapGet("/outbox", Outbox).RequirePermission(MessagingPermissions.View);
        api.MapGet("/messages/{messageId:guid}", MessageById).RequirePermission(MessagingPermissions.View);
        api.MapGet("/settings", GetSettings).RequirePermission(MessagingPermissions.View);
        api.MapPut("/settings", PutSettings).RequirePermission(MessagingPermissions.Manage);
        api.MapGet("/follow-ups", ListFollowUps).RequirePermission(MessagingPermissions.View);
        api.MapPost("/follow-ups/declined", Declined).RequirePermission(MessagingPermissions.Send);
        api.MapPost("/follow-ups/maintenance", Maintenance).RequirePermission(MessagingPermissions.Send);
        api.MapPost("/follow-ups/{id:guid}/cancel", CancelFollowUp).RequirePermission(MessagingPermissions.Send);

        var twilio = routes.MapGroup("/api/v1/messaging/twilio/{organizationId:guid}").WithTags("Messaging").AllowAnonymous().DisableAntiforgery()
            .RequireRateLimiting(CustomerMessagingOptions.WebhookRateLimitPolicy);
        twilio.MapPost("/inbound", Inbound);
        twilio.MapPost("/status", Status);
    }

    /// <summary>The simulator's phone (embedded profile): what the customer's phone shows, and the customer's replies.</summary>
    public static void MapSimulatorEndpoints(this IEndpointRouteBuilder routes)
    {
        var phone = routes.MapTenantApi("/api/v1/messaging/simulator/customers/{customerId:guid}/phone", "Messaging");
        phone.MapGet("", PhoneScreen).RequirePermission(MessagingPermissions.Send);
        phone.MapPost("", PhoneSend).RequirePermission(MessagingPermissions.Send);
    }

    private static async Task<Results<Ok<ListPage<ThreadResponse>>, ValidationProblem>> Inbox(int? page, int? pageSize, bool? unread, OrganizationScope scope,
        ThreadQueries threads, CancellationToken ct)
    {
        var validation = new Validation();
        var request = PageRequest.From(page, pageSize, validation);
        if (!validation.IsValid)
        {
            return Problems.Invalid(validation.Errors);
        }
        return TypedResults.Ok(await threads.InboxAsync(scope.OrganizationId, request, unread == true, ct));
    }

    private static async Task<Results<Ok<CustomerThread>, ProblemHttpResult>> Thread(Guid customerId, OrganizationScope scope, ThreadQueries threads, CancellationToken ct) =>
        await threads.CustomerAsync(scope.OrganizationId, customerId, ct) is { } thread ? TypedResults.Ok(thread) : Problems.NotFound(Messenger.NoSuchCustomer);

    private static async Task<Results<Created<MessageResponse>, ValidationProblem, ProblemHttpResult>> Send(Guid customerId, SendRequest? request, OrganizationScope scope,
        ICustomerMessenger messenger, ThreadQueries threads, CancellationToken ct)
    {
        var body = request?.Body?.Trim();
        var validation = new Validation()
            .Require(!string.IsNullOrEmpty(body), "body", "Write the message.")
            .Require(request?.Channel is null or "sms" or "email", "channel", "channel is sms, email, or left out for the customer's preferred one.")
            .Require(request?.Channel != "sms" || (body?.Length ?? 0) <= MaxSmsLength, "body", $"A text is at most {MaxSmsLength} characters.")
            .Require((body?.Length ?? 0) <= 10_000, "body", "A message is at most 10000 characters.")
            .Require((request?.Subject?.Length ?? 0) <= 200, "subject", "A subject is at most 200 characters.");
        if (!validation.IsValid)
        {
            return Problems.Invalid(validation.Errors);
        }
        var values = new Dictionary<string, string> { ["body"] = body! };
        if (request!.Subject is { Length: > 0 } subject)
        {
            values["subject"] = subject;
        }
        var result = await messenger.SendAsync(new CustomerMessage(scope.OrganizationId, customerId, "text", values, request.Channel, request.RepairOrderId, scope.UserId), ct);
        if (result.MessageId is null)
        {
            return result.Refused == Messenger.NoSuchCustomer ? Problems.NotFound(result.Refused) : Problems.Conflict(result.Refused ?? "The message was not sent.");
        }
        var message = (await threads.MessageAsync(scope.OrganizationId, result.MessageId.Value, ct))!;
        return result.Sent ? TypedResults.Created($"/api/v1/messaging/messages/{message.Id}", message) : Problems.Conflict(result.Refused ?? "The message was not sent.");
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Read(Guid customerId, OrganizationScope scope, ThreadQueries threads, CancellationToken ct) =>
        await threads.MarkReadAsync(scope.OrganizationId, customerId, ct) ? TypedResults.NoContent() : Problems.NotFound("There is no conversation with this customer.");

    private static async Task<Ok<IReadOnlyList<MessageResponse>>> RepairOrder(Guid repairOrderId, OrganizationScope scope, ThreadQueries threads, CancellationToken ct) =>
        TypedResults.Ok(await threads.RepairOrderAsync(scope.OrganizationId, repairOrderId, ct));

    private static async Task<Results<Ok<ListPage<MessageResponse>>, ValidationProblem>> Outbox(int? page, int? pageSize, OrganizationScope scope, ThreadQueries threads,
        CancellationToken ct)
    {
        var validation = new Validation();
        var request = PageRequest.From(page, pageSize, validation);
        return validation.IsValid ? TypedResults.Ok(await threads.OutboxAsync(scope.OrganizationId, request, ct)) : Problems.Invalid(validation.Errors);
    }

    private static async Task<Results<Ok<MessageResponse>, ProblemHttpResult>> MessageById(Guid messageId, OrganizationScope scope, ThreadQueries threads, CancellationToken ct) =>
        await threads.MessageAsync(scope.OrganizationId, messageId, ct) is { } m ? TypedResults.Ok(m) : Problems.NotFound("There is no such message.");

    private static SettingsResponse ToResponse(ShopMessagingSettings s, CustomerMessagingOptions options) => new(s.TimeZone, QuietHours.Clock(s.QuietStartMinute),
        QuietHours.Clock(s.QuietEndMinute), s.RemindersEnabled, s.ShopName, options.SmsProvider, options.EmailProvider);

    private static async Task<Ok<SettingsResponse>> GetSettings(OrganizationScope scope, MessagingSettingsStore store, CustomerMessagingOptions options, CancellationToken ct) =>
        TypedResults.Ok(ToResponse(await store.GetAsync(scope.OrganizationId, ct), options));

    private static async Task<Results<Ok<SettingsResponse>, ValidationProblem>> PutSettings(SettingsRequest? request, OrganizationScope scope, MessagingSettingsStore store,
        CustomerMessagingOptions options, CancellationToken ct)
    {
        var current = await store.GetAsync(scope.OrganizationId, ct);
        var zone = request?.TimeZone ?? current.TimeZone;
        var start = request?.QuietStart is { } s ? QuietHours.ParseClock(s) : current.QuietStartMinute;
        var end = request?.QuietEnd is { } e ? QuietHours.ParseClock(e) : current.QuietEndMinute;
        var name = (request?.ShopName ?? current.ShopName).Trim();
        var validation = new Validation()
            .Require(TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _), "timeZone", "timeZone must be an IANA time zone such as America/Chicago.")
            .Require(start is not null, "quietStart", "quietStart is a time of day HH:mm, e.g. 21:00.")
            .Require(end is not null, "quietEnd", "quietEnd is a time of day HH:mm, e.g. 08:00.")
            .Require(name.Length <= 120, "shopName", "shopName is at most 120 characters.");
        if (!validation.IsValid)
        {
            return Problems.Invalid(validation.Errors);
        }
        var saved = await store.SaveAsync(scope.OrganizationId, zone, start!.Value, end!.Value, request?.RemindersEnabled ?? current.RemindersEnabled, name, ct);
        return TypedResults.Ok(ToResponse(saved, options));
    }

    private static async Task<Ok<IReadOnlyList<FollowUpResponse>>> ListFollowUps(Guid? customerId, OrganizationScope scope, MessagingDbContext db, CancellationToken ct)
    {
        var query = db.FollowUps.Where(f => f.OrganizationId == scope.OrganizationId);
        if (customerId is { } c)
        {
            query = query.Where(f => f.CustomerId == c);
        }
        var rows = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(query.OrderBy(f => f.DueAt).Take(500), ct);
        return TypedResults.Ok<IReadOnlyList<FollowUpResponse>>(rows.Select(FollowUpResponse.From).ToList());
    }

    private static async Task<Results<Ok<IReadOnlyList<FollowUpResponse>>, ValidationProblem, ProblemHttpResult>> Declined(DeclinedRequest? request, OrganizationScope scope,
        FollowUpService followUps, CancellationToken ct)
    {
        if (request?.RepairOrderId is not { } ro)
        {
            return Problems.Invalid("repairOrderId", "Name the repair order whose declined work should be followed up.");
        }
        var (scheduled, notFound) = await followUps.FromDeclinedWorkAsync(scope.OrganizationId, ro, ct);
        return notFound ? Problems.NotFound("There is no such repair order.") : TypedResults.Ok<IReadOnlyList<FollowUpResponse>>(scheduled!.Select(FollowUpResponse.From).ToList());
    }

    private static async Task<Results<Created<FollowUpResponse>, ValidationProblem, ProblemHttpResult>> Maintenance(MaintenanceRequest? request, OrganizationScope scope,
        FollowUpService followUps, TimeProvider time, CancellationToken ct)
    {
        var text = request?.Text?.Trim();
        var validation = new Validation()
            .Require(request?.CustomerId is not null, "customerId", "Name the customer.")
            .Require(!string.IsNullOrEmpty(text) && text.Length <= 300, "text", "Write what is due, at most 300 characters (\"your oil change is due\").")
            .Require(request?.DueAt is { } due && due > time.GetUtcNow().AddMinutes(-1) && due < time.GetUtcNow().AddYears(3), "dueAt", "dueAt is a time from now to three years ahead.");
        if (!validation.IsValid)
        {
            return Problems.Invalid(validation.Errors);
        }
        var (followUp, notFound) = await followUps.MaintenanceAsync(scope.OrganizationId, request!.CustomerId!.Value, text!, request.DueAt!.Value.UtcDateTime, ct);
        return notFound ? Problems.NotFound(Messenger.NoSuchCustomer) : TypedResults.Created($"/api/v1/messaging/follow-ups/{followUp!.Id}", FollowUpResponse.From(followUp));
    }

    private static async Task<Results<Ok<FollowUpResponse>, ProblemHttpResult>> CancelFollowUp(Guid id, OrganizationScope scope, MessagingDbContext db, CancellationToken ct)
    {
        var followUp = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.FirstOrDefaultAsync(db.FollowUps, f => f.Id == id && f.OrganizationId == scope.OrganizationId, ct);
        if (followUp is null)
        {
            return Problems.NotFound("There is no such follow-up.");
        }
        if (followUp.Status != "scheduled")
        {
            return Problems.Conflict($"This follow-up is already {followUp.Status}.");
        }
        followUp.Cancel("Cancelled by the shop.");
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(FollowUpResponse.From(followUp));
    }

    /// <summary>Twilio's inbound webhook: the signature first (a bad one is 403 and nothing is read further), then the text, once.</summary>
    private static async Task<IResult> Inbound(Guid organizationId, HttpRequest request, InboundSms inbound, CustomerMessagingOptions options, Messenger messenger, CancellationToken ct)
    {
        if (await SignedFormAsync(request, options, messenger, ct) is not { } form)
        {
            return Problems.Forbidden("The X-Twilio-Signature header does not match this request.");
        }
        var sid = form.GetValueOrDefault("MessageSid") ?? form.GetValueOrDefault("SmsSid");
        var from = form.GetValueOrDefault("From");
        var to = form.GetValueOrDefault("To") ?? "";
        if (string.IsNullOrEmpty(sid) || sid.Length > 100 || string.IsNullOrEmpty(from) || from.Length > 20)
        {
            return Problems.BadRequest("An inbound message needs MessageSid and From.");
        }
        var body = form.GetValueOrDefault("Body") ?? "";
        if (body.Length > MaxSmsLength)
        {
            body = body[..MaxSmsLength];
        }
        var outcome = await inbound.ReceiveAsync(organizationId, sid, from, to.Length > 20 ? to[..20] : to, body, ct);
        return Results.Content(outcome.TwiML, "text/xml", Encoding.UTF8);
    }

    private static async Task<IResult> Status(Guid organizationId, HttpRequest request, InboundSms inbound, CustomerMessagingOptions options, Messenger messenger, CancellationToken ct)
    {
        if (await SignedFormAsync(request, options, messenger, ct) is not { } form)
        {
            return Problems.Forbidden("The X-Twilio-Signature header does not match this request.");
        }
        var sid = form.GetValueOrDefault("MessageSid") ?? form.GetValueOrDefault("SmsSid");
        var status = form.GetValueOrDefault("MessageStatus") ?? form.GetValueOrDefault("SmsStatus");
        if (string.IsNullOrEmpty(sid) || string.IsNullOrEmpty(status) || !Message.KnownStatus(status))
        {
            return Problems.BadRequest("A status callback needs MessageSid and a known MessageStatus.");
        }
        var code = form.GetValueOrDefault("ErrorCode");
        await inbound.StatusAsync(organizationId, sid, status, code is { Length: <= 20 } ? code : null, ct);
        return TypedResults.NoContent();
    }

    /// <summary>The form, when its signature is right; null otherwise (also when this installation does not use Twilio).</summary>
    private static async Task<Dictionary<string, string>?> SignedFormAsync(HttpRequest request, CustomerMessagingOptions options, Messenger messenger, CancellationToken ct)
    {
        if (options.SmsProvider != "twilio" || string.IsNullOrEmpty(options.Twilio.AuthToken) || !request.HasFormContentType
            || request.ContentLength is > 64 * 1024)
        {
            return null;
        }
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(ct);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
        {
            return null;
        }
        var pairs = form.ToDictionary(p => p.Key, p => p.Value.ToString(), StringComparer.Ordinal);
        var url = messenger.WebhookBase() + request.Path + request.QueryString;
        return TwilioSignature.Valid(options.Twilio.AuthToken, url, pairs, request.Headers[TwilioSignature.Header].ToString()) ? pairs : null;
    }

    private static async Task<Results<Ok<CustomerThread>, ProblemHttpResult>> PhoneScreen(Guid customerId, OrganizationScope scope, ThreadQueries threads, CancellationToken ct) =>
        await threads.CustomerAsync(scope.OrganizationId, customerId, ct) is { } thread
            ? TypedResults.Ok(thread with { Messages = thread.Messages.Where(m => m.Channel == "sms" && m.Status != "held" && m.Status != "refused").ToList() })
            : Problems.NotFound(Messenger.NoSuchCustomer);

    /// <summary>The customer types on the simulated phone: delivered to the shop through the same path as Twilio's inbound webhook.</summary>
    private static async Task<Results<Ok<InboundResponse>, ValidationProblem, ProblemHttpResult>> PhoneSend(Guid customerId, PhoneReply? reply, OrganizationScope scope,
        Shop.Contracts.IShopCustomerDirectory customers, InboundSms inbound, ISmsSender sms, CancellationToken ct)
    {
        var body = reply?.Body?.Trim();
        if (string.IsNullOrEmpty(body) || body.Length > MaxSmsLength)
        {
            return Problems.Invalid("body", $"Type a text of at most {MaxSmsLength} characters.");
        }
        var customer = await customers.FindAsync(scope.OrganizationId, customerId, ct);
        if (customer is null)
        {
            return Problems.NotFound(Messenger.NoSuchCustomer);
        }
        if (customer.PhoneE164 is not { } phone)
        {
            return Problems.Conflict($"{customer.Name} has no mobile number, so their phone cannot be simulated.");
        }
        var outcome = await inbound.ReceiveAsync(scope.OrganizationId, SimulatedSmsSender.NewSid(), phone, sms.From, body, ct);
        // Twilio answers STOP itself (Advanced Opt-Out's default confirmation); the simulator shows the same words.
        var answer = SmsKeywords.Of(body) == SmsKeyword.Stop ? SimulatedSmsSender.StopConfirmation : outcome.Reply;
        return TypedResults.Ok(new InboundResponse(outcome.MessageId, answer));
    }
}

public sealed record InboundResponse(Guid? MessageId, string? Reply);
