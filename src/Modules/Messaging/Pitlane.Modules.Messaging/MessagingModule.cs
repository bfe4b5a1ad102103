using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Pitlane.Modules.Messaging.Contracts;
using Pitlane.Modules.Messaging.Email;
using Pitlane.Modules.Messaging.FollowUps;
using Pitlane.Modules.Messaging.Sms;
using Pitlane.Modules.Messaging.Threads;
using Pitlane.Platform;
using Pitlane.Platform.Jobs;
using Pitlane.Platform.Messaging;
using Pitlane.Platform.Modules;
using Pitlane.Platform.Persistence;
using Twilio.Clients;

namespace Pitlane.Modules.Messaging;

/// <summary>Two-way texts and e-mail with the shop's customers: threads, the inbox, follow-up reminders.</summary>
public sealed class MessagingModule : IPitlaneModule
{
    public string Name => "Messaging";

    public int Order => 55;

    public void ReadSettings(ModuleSettings settings) => settings.Bind<CustomerMessagingOptions>(CustomerMessagingOptions.Section);

    public void AddServices(IServiceCollection services, PitlaneSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var options = settings.Get<CustomerMessagingOptions>();
        services.AddModuleDatabase<MessagingDbContext, SqliteMessagingDbContext, PostgresMessagingDbContext>(settings, Name, MessagingDbContext.HistoryTable);
        services.AddScoped<MessagingSettingsStore>();
        services.AddScoped<Messenger>();
        services.AddScoped<ICustomerMessenger>(provider => provider.GetRequiredService<Messenger>());
        services.AddScoped<InboundSms>();
        services.AddScoped<ThreadQueries>();
        services.AddScoped<FollowUpService>();
        services.AddJobHandler<SendMessageJob, SendMessageJobHandler>("messaging.send", maxAttempts: 10);
        services.AddJobHandler<SimulatedDeliveryJob, SimulatedDeliveryJobHandler>("messaging.simulated-delivery", maxAttempts: 3);
        services.AddJobHandler<FollowUpJob, FollowUpJobHandler>("messaging.follow-up", maxAttempts: 5);
        services.AddIntegrationEventHandler<Pitlane.Modules.Shop.Contracts.RepairOrderJobDeclined, DeclinedJobHandler, MessagingDbContext>(
            EventDelivery.Work, "messaging.declined-job");
        services.AddPerClientRateLimit(CustomerMessagingOptions.WebhookRateLimitPolicy, options.WebhookRequestsPerMinute, "text-message webhooks");
        if (options.SmsProvider == "twilio")
        {
            var http = services.AddHttpClient("twilio", client => client.Timeout = TimeSpan.FromSeconds(30));
            if (options.Twilio.ApiBase is { Length: > 0 } apiBase)
            {
                http.AddHttpMessageHandler(() => new TwilioBaseAddressHandler(new Uri(apiBase)));
            }
            services.AddSingleton<ITwilioRestClient>(provider => new TwilioRestClient(options.Twilio.AccountSid, options.Twilio.AuthToken,
                httpClient: new Twilio.Http.SystemNetHttpClient(provider.GetRequiredService<IHttpClientFactory>().CreateClient("twilio"))));
            services.AddSingleton<ISmsSender, TwilioSmsSender>();
        }
        else
        {
            services.AddSingleton<ISmsSender, SimulatedSmsSender>();
        }
        if (options.EmailProvider == "smtp")
        {
            services.AddSingleton<IEmailSender, SmtpEmailSender>();
            services.AddHealthChecks().AddCheck<SmtpHealthCheck>("messaging-smtp", HealthStatus.Degraded, ["ready"]);
        }
        else
        {
            services.AddSingleton<IEmailSender, OutboxEmailSender>();
        }
    }

    public void MapEndpoints(IEndpointRouteBuilder routes)
    {
        routes.MapMessagingEndpoints();
        if (routes.ServiceProvider.GetRequiredService<CustomerMessagingOptions>().SmsProvider == "simulator")
        {
            routes.MapSimulatorEndpoints();
        }
    }

    public IEnumerable<NavEntry> Navigation => [new("Messages", "/Messaging", 35, MessagingPermissions.View, Group: "Shop")];
}
