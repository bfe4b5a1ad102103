using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Pitlane.Platform.Messaging;
using Pitlane.Platform.Tenancy;

namespace Pitlane.Platform.Jobs;

/// <summary>
/// Runs one kind of job. Resolved in a fresh scope per attempt. Throwing fails the attempt (retried with back-off
/// until MaxAttempts, then dead); <see cref="JobPermanentFailureException"/> makes it dead at once; the token fires
/// when the job is cancelled (POST /api/v1/jobs/{id}/cancel), its lease is lost or the instance stops.
/// The returned object (or null) is stored as the job's result JSON.
/// </summary>
public interface IJobHandler<TPayload> where TPayload : notnull
{
    Task<object?> RunAsync(JobContext<TPayload> job, CancellationToken ct);
}

/// <summary>
/// Optional on a job handler: told when its job ended without succeeding (cancelled or dead), however that came about:
/// cancelled while queued or waiting for a retry, cancelled while running, the last attempt failed, or the instance
/// running the last attempt died and its lease expired. A handler that keeps its own record of the work (a scan row)
/// closes it here, so the record never says "queued" or "running" behind a job that will not run again. Called once
/// per ending, on the instance that ended the job, after the job's row changed; a failure here is logged, not retried.
/// </summary>
public interface IJobEndHandler<TPayload> where TPayload : notnull
{
    Task JobEndedAsync(JobEnding<TPayload> ending, CancellationToken ct);
}

/// <param name="State">Cancelled or Dead.</param>
/// <param name="Error">The job's last error (dead jobs), or null.</param>
public sealed record JobEnding<TPayload>(Guid JobId, Guid OrganizationId, TPayload Payload, JobState State, string? Error);

/// <summary>What a running handler knows about its job, and how it reports progress.</summary>
public sealed class JobContext<TPayload>(Guid id, Guid organizationId, int attempt, TPayload payload, Func<int, string?, CancellationToken, Task> report)
{
    public Guid Id { get; } = id;

    public Guid OrganizationId { get; } = organizationId;

    /// <summary>1 on the first run.</summary>
    public int Attempt { get; } = attempt;

    public TPayload Payload { get; } = payload;

    /// <summary>Stores progress (0–100) and a short message on the job and pushes them live to whoever watches the job.</summary>
    public Task ReportAsync(int percent, string? message = null, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(percent, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percent, 100);
        return report(percent, message, ct);
    }
}

/// <summary>
/// The running job's place among this instance's Pitlane:Jobs:Concurrency slots, injected (scoped) into its handler. A job
/// about to wait a long time for something outside this instance (a scan agent next to a car) gives its slot back, so
/// reports and direct scans are not held up behind it; it keeps its lease, heartbeat and cancellation.
/// </summary>
public sealed class JobSlot
{
    private Action? _release;

    internal void Bind(Action release) => _release = release;

    /// <summary>Gives the slot back now instead of when the job ends; once only; nothing outside a job's run.</summary>
    public void Release() => Interlocked.Exchange(ref _release, null)?.Invoke();
}

/// <summary>A failure that retrying cannot fix (invalid input, a missing file): the job goes dead without further attempts.</summary>
public sealed class JobPermanentFailureException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>One job type: its stored name, payload type, attempts and how to run it.</summary>
public sealed class JobRegistration
{
    internal JobRegistration(string type, Type payloadType, int? maxAttempts, Func<IServiceProvider, Job, int, Func<int, string?, CancellationToken, Task>, CancellationToken, Task<object?>> run,
        Permission? permission = null, Func<IServiceProvider, Job, CancellationToken, Task>? ended = null)
    {
        Type = type;
        PayloadType = payloadType;
        MaxAttempts = maxAttempts;
        Run = run;
        Permission = permission;
        Ended = ended;
    }

    /// <summary>
    /// Who may start jobs of this type, and so who may cancel one (POST /api/v1/jobs/{id}/cancel); null: any member of
    /// the job's organisation.
    /// </summary>
    public Permission? Permission { get; }

    /// <summary>The handler's <see cref="IJobEndHandler{TPayload}"/>, when it has one.</summary>
    internal Func<IServiceProvider, Job, CancellationToken, Task>? Ended { get; }

    public string Type { get; }

    public Type PayloadType { get; }

    /// <summary>Null: Pitlane:Jobs:DefaultMaxAttempts.</summary>
    public int? MaxAttempts { get; }

    internal Func<IServiceProvider, Job, int, Func<int, string?, CancellationToken, Task>, CancellationToken, Task<object?>> Run { get; }
}

/// <summary>Every job type of this instance, by name and by payload type.</summary>
public sealed class JobRegistry
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly Dictionary<string, JobRegistration> _byType;
    private readonly Dictionary<Type, JobRegistration> _byPayload;

    public JobRegistry(IEnumerable<JobRegistration> registrations)
    {
        var all = registrations.ToArray();
        var duplicate = all.GroupBy(r => r.Type, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Two job handlers are registered for the job type '{duplicate.Key}'.");
        }
        _byType = all.ToDictionary(r => r.Type, StringComparer.Ordinal);
        _byPayload = all.ToDictionary(r => r.PayloadType);
    }

    public JobRegistration? ForType(string type) => _byType.GetValueOrDefault(type);

    public JobRegistration ForPayload(Type payloadType) => _byPayload.TryGetValue(payloadType, out var found)
        ? found
        : throw new InvalidOperationException($"No job handler is registered for {payloadType}: call services.AddJobHandler<{payloadType.Name}, ...>().");
}

public static class JobServices
{
    /// <summary>
    /// Registers <typeparamref name="THandler"/> for jobs of <typeparamref name="TPayload"/>. The type name (default: the
    /// payload's type name) is stored in platform_jobs: keep it stable while jobs of it may be queued.
    /// </summary>
    /// <param name="permission">Who may start (and so cancel) jobs of this type; null: any member of the organisation.</param>
    public static IServiceCollection AddJobHandler<TPayload, THandler>(this IServiceCollection services, string? type = null, int? maxAttempts = null,
        Permission? permission = null)
        where TPayload : notnull
        where THandler : class, IJobHandler<TPayload>
    {
        if (maxAttempts is < 1 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(maxAttempts), maxAttempts, "A job type allows between 1 and 100 attempts.");
        }
        services.TryAddScoped<THandler>();
        Func<IServiceProvider, Job, CancellationToken, Task>? ended = null;
        if (typeof(IJobEndHandler<TPayload>).IsAssignableFrom(typeof(THandler)))
        {
            ended = (provider, job, ct) => ((IJobEndHandler<TPayload>)provider.GetRequiredService<THandler>()).JobEndedAsync(
                new JobEnding<TPayload>(job.Id, job.OrganizationId, PayloadOf<TPayload>(job), job.State, job.Error), ct);
        }
        services.AddSingleton(new JobRegistration(type ?? typeof(TPayload).Name, typeof(TPayload), maxAttempts,
            async (provider, job, attempt, report, ct) =>
            {
                var context = new JobContext<TPayload>(job.Id, job.OrganizationId, attempt, PayloadOf<TPayload>(job), report);
                return await provider.GetRequiredService<THandler>().RunAsync(context, ct);
            }, permission, ended));
        return services;
    }

    private static TPayload PayloadOf<TPayload>(Job job) where TPayload : notnull
    {
        try
        {
            return JsonSerializer.Deserialize<TPayload>(job.Payload, JobRegistry.Json)
                ?? throw new JobPermanentFailureException($"The payload of job {job.Id} is null.");
        }
        catch (JsonException e)
        {
            throw new JobPermanentFailureException($"The payload of job {job.Id} is not a valid {typeof(TPayload).Name}: {e.Message}", e);
        }
    }

    internal static IServiceCollection AddPitlaneJobs(this IServiceCollection services, PitlaneOptions options)
    {
        services.AddSingleton<JobRegistry>();
        services.AddSingleton<JobStore>();
        services.AddScoped<JobQueue>();
        services.AddSingleton<JobWorker>();
        services.AddScoped<JobSlot>();
        services.AddHostedService(provider => provider.GetRequiredService<JobWorker>());
        services.AddIntegrationEventHandler<JobProgressed, JobProgressedHandler>(EventDelivery.FanOut, "platform.jobs.progress");
        if (options.Jobs.Concurrency > 0)
        {
            // An instance that runs no jobs does not take their wake-ups from the work queue either.
            services.AddIntegrationEventHandler<JobQueued, JobQueuedHandler>(EventDelivery.Work, "platform.jobs.queued");
        }
        return services;
    }
}
