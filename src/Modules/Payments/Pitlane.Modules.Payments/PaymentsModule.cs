using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Pitlane.Modules.Payments.Contracts;
using Pitlane.Modules.Payments.Idempotency;
using Pitlane.Modules.Payments.Ledger;
using Pitlane.Modules.Payments.Payouts;
using Pitlane.Modules.Payments.Processing;
using Pitlane.Modules.Payments.Simulator;
using Pitlane.Modules.Payments.Webhooks;
using Pitlane.Platform;
using Pitlane.Platform.Jobs;
using Pitlane.Platform.Messaging;
using Pitlane.Modules.Payments.Subscriptions;
using Pitlane.Platform.Modules;
using Pitlane.Platform.Persistence;

namespace Pitlane.Modules.Payments;

/// <summary>One ledger and one way to take money for every area: intents, refunds, payouts, idempotency, processors.</summary>
public sealed class PaymentsModule : IPitlaneModule
{
    public string Name => "Payments";

    public int Order => 40;

    public void ReadSettings(ModuleSettings settings) => settings.Bind<PaymentsOptions>("Pitlane:Payments");

    public void AddServices(IServiceCollection services, PitlaneSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var options = settings.Get<PaymentsOptions>();
        services.AddModuleDatabase<PaymentsDbContext, SqlitePaymentsDbContext, PostgresPaymentsDbContext>(settings, Name, PaymentsDbContext.HistoryTable);
        services.AddScoped<LedgerBook>();
        services.AddScoped<Statements>();
        services.AddScoped<PaymentService>();
        services.AddScoped<IPayments>(provider => provider.GetRequiredService<PaymentService>());
        services.AddScoped<PayoutService>();
        services.AddScoped<Receipts>();
        services.AddScoped<Subscriptions.SubscriptionService>();
        services.AddScoped<ISubscriptions>(provider => provider.GetRequiredService<Subscriptions.SubscriptionService>());
        services.AddJobHandler<Subscriptions.SubscriptionRenewalJob, Subscriptions.SubscriptionRenewalJobHandler>("payments.subscription-renewal", maxAttempts: 5);
        services.AddJobHandler<Subscriptions.SubscriptionRetryJob, Subscriptions.SubscriptionRetryJobHandler>("payments.subscription-retry", maxAttempts: 5);
        services.AddIntegrationEventHandler<PaymentIntentStatusChanged, Subscriptions.SubscriptionPaymentHandler, PaymentsDbContext>(
            EventDelivery.Work, "payments.subscription-paid");
        services.AddScoped<Reconciliation.Reconciler>();
        services.AddJobHandler<Reconciliation.ReconcileJob, Reconciliation.ReconcileJobHandler>("payments.reconcile", maxAttempts: 3);
        services.AddScoped<WebhookReceiver>();
        services.AddSingleton<WebhookSecrets>();
        services.AddSingleton<IdempotencyStore>();
        services.AddSingleton<IIdempotencyStore>(provider => provider.GetRequiredService<IdempotencyStore>());
        services.AddSingleton<BuiltInProcessor>();
        if (options.Processor == "stripe")
        {
            services.AddHttpClient("stripe");
            services.AddSingleton<Stripe.IStripeClient>(provider => new Stripe.StripeClient(
                options.Stripe.SecretKey,
                httpClient: new Stripe.SystemNetHttpClient(provider.GetRequiredService<IHttpClientFactory>().CreateClient("stripe"), maxNetworkRetries: 2),
                apiBase: string.IsNullOrWhiteSpace(options.Stripe.ApiBase) ? null : options.Stripe.ApiBase.TrimEnd('/')));
            services.AddSingleton<IPaymentProcessor, StripeProcessor>();
        }
        else
        {
            services.AddSingleton<IPaymentProcessor>(provider => provider.GetRequiredService<BuiltInProcessor>());
        }
        services.AddSingleton<PaymentsWorker>();
        services.AddHostedService(provider => provider.GetRequiredService<PaymentsWorker>());
    }

    /// <summary>Idempotent requests must be readable twice: once to fingerprint, once to bind.</summary>
    public void UseMiddleware(IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (HttpMethods.IsPost(context.Request.Method) && context.Request.Headers.ContainsKey(Contracts.Idempotency.Header))
        {
            context.Request.EnableBuffering();
        }
        await next(context);
    });

    public void MapEndpoints(IEndpointRouteBuilder routes)
    {
        routes.MapPaymentEndpoints();
        routes.MapReceiptEndpoints();
        routes.MapSubscriptionEndpoints();
        if (routes.ServiceProvider.GetRequiredService<PaymentsOptions>().Processor == "builtin")
        {
            routes.MapSimulatorEndpoints();
        }
    }

    public IEnumerable<NavEntry> Navigation => [new("Payments", "/Payments", 40, PaymentsPermissions.View, Group: "Payments"), new("Receipts", "/Payments/Receipts", 41, Group: "Payments")];
}
