using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Pitlane.Platform.Jobs;
using Pitlane.Platform.Persistence;

namespace Pitlane.Platform.Messaging;

public static class MessagingServices
{
    /// <summary>The bus of Pitlane:Messaging:Provider, the outbox dispatcher and the job queue.</summary>
    public static IServiceCollection AddPitlaneMessaging(this IServiceCollection services, PitlaneOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.TryAddSingleton<MessagingInstance>();
        services.AddSingleton<EventRegistry>();
        services.AddSingleton<EventHandlerInvoker>();
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<OutboxCommitInterceptor>();
        if (options.Messaging.Provider == MessagingProvider.RabbitMq)
        {
            services.AddSingleton<RabbitMqConnection>();
            services.AddSingleton<RabbitMqEventBus>();
            services.AddSingleton<IEventBus>(provider => provider.GetRequiredService<RabbitMqEventBus>());
            services.AddHostedService<RabbitMqConsumers>();
        }
        else
        {
            services.AddSingleton<IEventBus, InProcessEventBus>();
        }
        services.AddHostedService<OutboxDispatcher>();
        services.AddPitlaneJobs(options);
        return services;
    }

    /// <summary>
    /// Subscribes <typeparamref name="THandler"/> (scoped) to <typeparamref name="TEvent"/>; a work handler's inbox row is
    /// written through the kernel's context. The handler name (default: the handler's full type name) keys the inbox and
    /// names the RabbitMQ work queue: keep it stable.
    /// </summary>
    public static IServiceCollection AddIntegrationEventHandler<TEvent, THandler>(this IServiceCollection services,
        EventDelivery delivery = EventDelivery.Work, string? handlerName = null)
        where TEvent : IntegrationEvent
        where THandler : class, IIntegrationEventHandler<TEvent> =>
        services.AddIntegrationEventHandler<TEvent, THandler, PlatformDbContext>(delivery, handlerName);

    /// <summary>
    /// As above, for a handler that saves through its module's context <typeparamref name="TContext"/>: the inbox row is
    /// added to that context before the handler runs, so the handler's change and the inbox row commit together.
    /// </summary>
    public static IServiceCollection AddIntegrationEventHandler<TEvent, THandler, TContext>(this IServiceCollection services,
        EventDelivery delivery = EventDelivery.Work, string? handlerName = null)
        where TEvent : IntegrationEvent
        where THandler : class, IIntegrationEventHandler<TEvent>
        where TContext : DbContext
    {
        services.TryAddScoped<THandler>();
        services.AddSingleton(new EventSubscription(typeof(TEvent), typeof(THandler), handlerName ?? typeof(THandler).FullName!.Replace('+', '.'),
            delivery, typeof(TContext), (provider, integrationEvent, ct) => provider.GetRequiredService<THandler>().HandleAsync((TEvent)integrationEvent, ct)));
        return services;
    }
}
