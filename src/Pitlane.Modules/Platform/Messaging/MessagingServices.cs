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
        services.ConfigureDbContext<SqlitePitlaneDbContext>((provider, db) => db.AddInterceptors(provider.GetRequiredService<OutboxCommitInterceptor>()));
        services.ConfigureDbContext<PostgresPitlaneDbContext>((provider, db) => db.AddInterceptors(provider.GetRequiredService<OutboxCommitInterceptor>()));
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
    /// Subscribes <typeparamref name="THandler"/> (scoped) to <typeparamref name="TEvent"/>. The handler name (default:
    /// the handler's full type name) keys the inbox and names the RabbitMQ work queue: keep it stable.
    /// </summary>
    public static IServiceCollection AddIntegrationEventHandler<TEvent, THandler>(this IServiceCollection services,
        EventDelivery delivery = EventDelivery.Work, string? handlerName = null)
        where TEvent : IntegrationEvent
        where THandler : class, IIntegrationEventHandler<TEvent>
    {
        services.TryAddScoped<THandler>();
        services.AddSingleton(new EventSubscription(typeof(TEvent), typeof(THandler), handlerName ?? typeof(THandler).FullName!.Replace('+', '.'),
            delivery, (provider, integrationEvent, ct) => provider.GetRequiredService<THandler>().HandleAsync((TEvent)integrationEvent, ct)));
        return services;
    }
}
