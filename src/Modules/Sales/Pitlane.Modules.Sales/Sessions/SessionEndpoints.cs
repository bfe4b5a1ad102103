using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pitlane.Modules.Sales.Capture;
using Pitlane.Modules.Sales.Reports;
using Pitlane.Platform;
using Pitlane.Platform.Tenancy;
using Pitlane.Speech;

namespace Pitlane.Modules.Sales.Sessions;

/// <summary>
/// Practice sessions of the request's organisation (X-Organization-Id). A salesperson sees and changes their own;
/// a sales manager (ViewTeam) also sees everyone's. Another organisation's session, or a colleague's without the team
/// view, is a 404.
/// </summary>
public static class SessionEndpoints
{
    public static IEndpointRouteBuilder MapSalesEndpoints(this IEndpointRouteBuilder routes)
    {
        var sessions = routes.MapTenantApi("/api/v1/sales/sessions", "Sales");
        sessions.MapPost("/", Start).RequirePermission(SalesPermissions.Practice);
        sessions.MapGet("/", ListMine).RequirePermission(SalesPermissions.Practice);
        sessions.MapGet("/progress", Progress).RequirePermission(SalesPermissions.Practice);
        sessions.MapGet("/{id:guid}", Get).RequirePermission(SalesPermissions.Practice);
        sessions.MapGet("/{id:guid}/feedback", Feedback).RequirePermission(SalesPermissions.Practice);
        sessions.MapGet("/{id:guid}/report", Report).RequirePermission(SalesPermissions.Practice);
        sessions.MapPost("/{id:guid}/pause", Pause).RequirePermission(SalesPermissions.Practice);
        sessions.MapPost("/{id:guid}/resume", Resume).RequirePermission(SalesPermissions.Practice);
        sessions.MapPost("/{id:guid}/complete", Complete).RequirePermission(SalesPermissions.Practice);
        sessions.MapPost("/{id:guid}/recording", Upload).RequirePermission(SalesPermissions.Practice)
            .AcceptsBodyUpTo(routes.ServiceProvider.GetRequiredService<IOptions<SalesOptions>>().Value.MaxUploadBytes)
            .Accepts<byte[]>("audio/wav", "audio/webm", "audio/ogg", "audio/mpeg", "application/octet-stream", "multipart/form-data")
            .WithSummary("Add a recorded file (WAV, WebM/Opus, Ogg, MP3) to an active session; it is analysed like live audio.");
        sessions.MapPost("/{id:guid}/stream-ticket", Ticket).RequirePermission(SalesPermissions.Practice)
            .WithSummary("A one-use ticket (60 s) to open the capture WebSocket " + LiveCapture.Path + "?ticket=…");

        var team = routes.MapTenantApi("/api/v1/sales/team", "Sales");
        team.MapGet("/", Team).RequirePermission(SalesPermissions.ViewTeam);
        team.MapGet("/sessions", TeamSessions).RequirePermission(SalesPermissions.ViewTeam);
        team.MapGet("/{salespersonId:guid}/progress", TeamProgress).RequirePermission(SalesPermissions.ViewTeam);

        var stream = routes.CreateApplicationBuilder();
        stream.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(20) });
        stream.Run(LiveCapture.HandleAsync);
        routes.Map(LiveCapture.Path, stream.Build()).WithTags("Sales").RequireAuthorization().ExcludeFromDescription();
        return routes;
    }

    internal static string NameOf(ClaimsPrincipal user) =>
        user.FindFirst("name")?.Value ?? user.FindFirst(ClaimTypes.Name)?.Value ?? user.FindFirst(ClaimTypes.Email)?.Value ?? "Salesperson";

    private static async Task<Results<Created<SessionResponse>, ValidationProblem>> Start(
        StartSessionRequest request, OrganizationScope scope, SessionService sessions, HttpContext http, CancellationToken ct)
    {
        var outcome = await sessions.StartAsync(scope.OrganizationId, scope.UserId, NameOf(http.User), request, ct);
        return outcome.Value is { } s
            ? TypedResults.Created($"/api/v1/sales/sessions/{s.Id}", SessionResponse.From(s))
            : Problems.Invalid(outcome.Errors!);
    }

    private static async Task<Results<Ok<ListPage<SessionResponse>>, ValidationProblem>> ListMine(
        OrganizationScope scope, SessionService sessions, CancellationToken ct, int? page = null, int? pageSize = null)
    {
        var check = new Validation();
        var paging = PageRequest.From(page, pageSize, check);
        if (!check.IsValid)
        {
            return Problems.Invalid(check.Errors);
        }
        return TypedResults.Ok((await sessions.ListAsync(scope.OrganizationId, scope.UserId, paging, ct)).Map(SessionResponse.From));
    }

    private static async Task<Results<Ok<ListPage<SessionResponse>>, ValidationProblem>> TeamSessions(
        OrganizationScope scope, SessionService sessions, CancellationToken ct, Guid? salespersonId = null, int? page = null, int? pageSize = null)
    {
        var check = new Validation();
        var paging = PageRequest.From(page, pageSize, check);
        if (!check.IsValid)
        {
            return Problems.Invalid(check.Errors);
        }
        return TypedResults.Ok((await sessions.ListAsync(scope.OrganizationId, salespersonId, paging, ct)).Map(SessionResponse.From));
    }

    private static async Task<Ok<IReadOnlyList<ProgressPoint>>> Progress(OrganizationScope scope, SessionService sessions, CancellationToken ct) =>
        TypedResults.Ok(await sessions.ProgressAsync(scope.OrganizationId, scope.UserId, ct));

    private static async Task<Ok<IReadOnlyList<ProgressPoint>>> TeamProgress(Guid salespersonId, OrganizationScope scope, SessionService sessions, CancellationToken ct) =>
        TypedResults.Ok(await sessions.ProgressAsync(scope.OrganizationId, salespersonId, ct));

    private static async Task<Ok<IReadOnlyList<TeamMemberSummary>>> Team(OrganizationScope scope, SessionService sessions, CancellationToken ct) =>
        TypedResults.Ok(await sessions.TeamAsync(scope.OrganizationId, ct));

    private static Task<PracticeSession?> Visible(Guid id, OrganizationScope scope, SessionService sessions, CancellationToken ct) =>
        sessions.FindAsync(scope.OrganizationId, scope.UserId, scope.Can(SalesPermissions.ViewTeam), id, ct);

    private static async Task<Results<Ok<SessionResponse>, ProblemHttpResult>> Get(Guid id, OrganizationScope scope, SessionService sessions, CancellationToken ct) =>
        await Visible(id, scope, sessions, ct) is { } s ? TypedResults.Ok(SessionResponse.From(s)) : Problems.NotFound("No such practice session.");

    private static async Task<Results<Ok<IReadOnlyList<FeedbackResponse>>, ProblemHttpResult>> Feedback(Guid id, OrganizationScope scope, SessionService sessions, CancellationToken ct) =>
        await Visible(id, scope, sessions, ct) is { } s
            ? TypedResults.Ok<IReadOnlyList<FeedbackResponse>>((await sessions.FeedbackAsync(s.Id, ct)).Select(FeedbackResponse.From).ToList())
            : Problems.NotFound("No such practice session.");

    private static async Task<Results<Ok<SessionReport>, ProblemHttpResult>> Report(Guid id, OrganizationScope scope, SessionService sessions, CancellationToken ct)
    {
        if (await Visible(id, scope, sessions, ct) is not { } s)
        {
            return Problems.NotFound("No such practice session.");
        }
        return SessionReport.FromJson(s.ReportJson) is { } report
            ? TypedResults.Ok(report)
            : Problems.Conflict("The report is written when the session is completed.");
    }

    private static Task<Results<Ok<SessionResponse>, ProblemHttpResult>> Pause(Guid id, OrganizationScope scope, SessionService sessions, CancellationToken ct) =>
        Change(id, scope, sessions, (s, now) => s.Pause(now), ct);

    private static Task<Results<Ok<SessionResponse>, ProblemHttpResult>> Resume(Guid id, OrganizationScope scope, SessionService sessions, CancellationToken ct) =>
        Change(id, scope, sessions, (s, now) => s.Resume(now), ct);

    private static async Task<Results<Ok<SessionResponse>, ProblemHttpResult>> Change(
        Guid id, OrganizationScope scope, SessionService sessions, Func<PracticeSession, DateTime, string?> change, CancellationToken ct)
    {
        if (await sessions.FindOwnAsync(scope.OrganizationId, scope.UserId, id, ct) is not { } s)
        {
            return Problems.NotFound("No such practice session.");
        }
        return await sessions.ChangeAsync(s, change, ct) is { } refusal ? Problems.Conflict(refusal) : TypedResults.Ok(SessionResponse.From(s));
    }

    private static async Task<Results<Ok<SessionResponse>, ProblemHttpResult>> Complete(Guid id, OrganizationScope scope, SessionService sessions, CancellationToken ct)
    {
        if (await sessions.FindOwnAsync(scope.OrganizationId, scope.UserId, id, ct) is not { } s)
        {
            return Problems.NotFound("No such practice session.");
        }
        return await sessions.CompleteAsync(s, ct) is { } refusal ? Problems.Conflict(refusal) : TypedResults.Ok(SessionResponse.From(s));
    }

    private static async Task<Results<Ok<StreamTicketResponse>, ProblemHttpResult>> Ticket(
        Guid id, OrganizationScope scope, SessionService sessions, StreamTickets tickets, IOptions<SalesOptions> options, CancellationToken ct, string? format = null)
    {
        if (await sessions.FindOwnAsync(scope.OrganizationId, scope.UserId, id, ct) is not { } s)
        {
            return Problems.NotFound("No such practice session.");
        }
        if (format is not (null or "webm" or "wav"))
        {
            return Problems.BadRequest("format must be webm or wav.");
        }
        if (s.CanAcceptAudio(0, options.Value.MaxSessionSeconds) is { } refusal)
        {
            return Problems.Conflict(refusal);
        }
        var ticket = tickets.Issue(scope.OrganizationId, scope.UserId, s.Id, format ?? "webm");
        return TypedResults.Ok(new StreamTicketResponse(ticket, $"{LiveCapture.Path}?ticket={ticket}", (int)StreamTickets.Lifetime.TotalSeconds));
    }

    private static async Task<Results<Ok<UploadResponse>, ProblemHttpResult>> Upload(
        Guid id, HttpContext http, OrganizationScope scope, SessionService sessions, FfmpegDecoder ffmpeg, IOptions<SalesOptions> options, CancellationToken ct)
    {
        if (await sessions.FindOwnAsync(scope.OrganizationId, scope.UserId, id, ct) is not { } s)
        {
            return Problems.NotFound("No such practice session.");
        }
        var max = options.Value.MaxUploadBytes;
        if (http.Request.ContentLength > max)
        {
            return Problems.TooLarge($"A recording is at most {max / (1024 * 1024)} MB.");
        }
        byte[]? bytes;
        try
        {
            var (found, read) = await UploadedFile.ReadAsync(http.Request, "file", max + 64 * 1024, async (stream, _) =>
            {
                using var body = new MemoryStream();
                var buffer = new byte[81920];
                int n;
                while ((n = await stream.ReadAsync(buffer, ct)) > 0)
                {
                    if (body.Length + n > max)
                    {
                        return null;
                    }
                    body.Write(buffer, 0, n);
                }
                return body.ToArray();
            }, ct);
            if (!found)
            {
                return Problems.BadRequest("The form has no part named \"file\": send the recording in a part named \"file\".");
            }
            bytes = read;
        }
        catch (Exception e) when (e is InvalidDataException or IOException && !ct.IsCancellationRequested)
        {
            return e is BadHttpRequestException { StatusCode: 413 }
                ? Problems.TooLarge($"A recording is at most {max / (1024 * 1024)} MB.")
                : Problems.BadRequest("The upload could not be read: " + e.Message);
        }
        if (bytes is null)
        {
            return Problems.TooLarge($"A recording is at most {max / (1024 * 1024)} MB.");
        }
        if (bytes.Length == 0)
        {
            return Problems.BadRequest("Send the recording as the request body or as a form part named \"file\" (WAV, WebM, Ogg or MP3).");
        }
        if (s.CanAcceptAudio(0, options.Value.MaxSessionSeconds) is { } refusal)
        {
            return Problems.Conflict(refusal);
        }
        byte[] pcm;
        if (bytes.AsSpan().StartsWith("RIFF"u8))
        {
            // WAV is read here (every header field checked), without ffmpeg.
            try
            {
                var audio = WavReader.Read(bytes);
                pcm = ToS16(audio.SampleRate == SpeechFrames.SampleRate ? audio.Samples : Resampler.To16k(audio));
            }
            catch (InvalidAudioException e)
            {
                return Problems.BadRequest(e.Message);
            }
        }
        else
        {
            var (decoded, error) = await ffmpeg.DecodeAsync(bytes, options.Value.MaxSessionSeconds, ct);
            if (decoded is null)
            {
                return Problems.BadRequest(error!);
            }
            pcm = decoded;
        }
        var outcome = await sessions.AddRecordingAsync(s, pcm, ct);
        return outcome.Value is { } ok ? TypedResults.Ok(ok) : Problems.Conflict(outcome.Conflict!);
    }

    private static byte[] ToS16(ReadOnlySpan<float> samples)
    {
        var pcm = new byte[samples.Length * 2];
        for (var i = 0; i < samples.Length; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt16LittleEndian(pcm.AsSpan(2 * i), (short)Math.Clamp(samples[i] * 32767f, -32768f, 32767f));
        }
        return pcm;
    }
}
