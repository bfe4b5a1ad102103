using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Pitlane.Platform.Modules;
using Pitlane.Platform;
using Pitlane.Platform.Persistence;

namespace Pitlane.Web;

public static class PitlaneHost
{
    private static readonly Lazy<ModuleCatalog> Catalog = new(() => ModuleCatalog.Discover());

    /// <summary>The modules beside the host (Pitlane.Modules.*.dll), discovered once.</summary>
    public static ModuleCatalog Modules => Catalog.Value;

    /// <summary>Binds and validates the Pitlane section and every module's settings before anything else starts.</summary>
    public static bool TryReadOptions(IConfiguration configuration, [NotNullWhen(true)] out PitlaneSettings? settings, [NotNullWhen(false)] out string? fault) =>
        PitlaneSettings.TryRead(configuration, Modules, out settings, out fault);

    public static WebApplication Build(WebApplicationBuilder builder, PitlaneSettings startup)
    {
        var options = startup.Options;
        builder.Logging.ClearProviders();
        if (builder.Environment.IsDevelopment())
        {
            // `dotnet run` (launchSettings.json): one readable line per message for a person at a terminal.
            builder.Logging.AddSimpleConsole(console =>
            {
                console.SingleLine = true;
                console.TimestampFormat = "HH:mm:ss ";
            });
        }
        else
        {
            // Deployed: JSON lines for a log collector.
            builder.Logging.AddJsonConsole(json => json.UseUtcTimestamp = true);
        }
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
            kestrel.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
        });
        builder.Services.Configure<FormOptions>(form => form.MultipartBodyLengthLimit = options.MaxRequestBodyBytes);
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter());
            json.SerializerOptions.MaxDepth = 32;
        });

        builder.Services.AddPitlaneCore(startup, Modules);
        var dataProtectionKeys = Path.Combine(Path.GetFullPath(options.DataDirectory), "keys", "data-protection");
        builder.Services.AddDataProtection()
            .SetApplicationName("pitlane")
            .PersistKeysToFileSystem(new DirectoryInfo(dataProtectionKeys));
        // Malformed bodies answer 400 problem+json in every environment: Development would otherwise throw and show a 500.
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(routing => routing.ThrowOnBadRequest = false);
        builder.Services.AddProblemDetails(problems => problems.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
            context.ProblemDetails.Extensions["traceId"] = System.Diagnostics.Activity.Current?.TraceId.ToString() ?? context.HttpContext.TraceIdentifier;
        });
        builder.Services.AddOpenApi(openApi => openApi.AddDocumentTransformer<BearerSecurityTransformer>());
        var mvc = builder.Services.AddRazorPages(pages =>
        {
            pages.Conventions.AuthorizeFolder("/");
            pages.Conventions.AllowAnonymousToFolder("/Account");
            pages.Conventions.AllowAnonymousToPage("/Error");
        });
        // Each module's pages are compiled into its own assembly.
        foreach (var assembly in Modules.Assemblies)
        {
            mvc.AddApplicationPart(assembly);
        }
        builder.Services.AddAntiforgery(antiforgery =>
        {
            antiforgery.HeaderName = "RequestVerificationToken";
            antiforgery.Cookie.Name = "pitlane.csrf";
        });
        if (options.Proxy.Enabled)
        {
            // Behind a reverse proxy: the client's address (rate limits, logs) and scheme (Secure cookies, links) come from
            // X-Forwarded-For / -Proto, believed only from the configured proxies. X-Forwarded-Host is not read: links use
            // Pitlane:PublicBaseUrl.
            builder.Services.Configure<ForwardedHeadersOptions>(forwarded =>
            {
                forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
                forwarded.ForwardLimit = options.Proxy.ForwardLimit;
                forwarded.KnownProxies.Clear();
                forwarded.KnownIPNetworks.Clear();
                foreach (var proxy in options.Proxy.KnownProxies)
                {
                    forwarded.KnownProxies.Add(System.Net.IPAddress.Parse(proxy));
                }
                foreach (var network in options.Proxy.KnownNetworks)
                {
                    forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
                }
            });
        }
        var httpsOnly = options.PublicBaseUrl?.StartsWith("https://", StringComparison.OrdinalIgnoreCase) == true;
        builder.Services.AddCookiePolicy(cookies =>
            // Served over https (the public address says so): every cookie is Secure, also when TLS ends at the proxy.
            cookies.Secure = httpsOnly ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest);
        builder.Services.AddHsts(hsts => hsts.MaxAge = TimeSpan.FromDays(365));
        builder.Services.AddHostedService<DatabasePreparation>();
        if (options.Messaging.Provider == MessagingProvider.RabbitMq)
        {
            builder.Services.AddHealthChecks().AddCheck<Pitlane.Platform.Messaging.RabbitMqHealthCheck>("broker", tags: ["ready"]);
        }
        AddOpenTelemetry(builder.Services, options);

        var app = builder.Build();
        if (options.Proxy.Enabled)
        {
            app.UseForwardedHeaders();
        }
        app.UseExceptionHandler();
        if (!app.Environment.IsDevelopment())
        {
            // Strict-Transport-Security on https responses (never on plain http, and not for localhost).
            app.UseHsts();
        }
        app.UseCookiePolicy();
        app.UseStatusCodePages();
        app.UseSecurityHeaders();
        // API, hub and health paths are never files: they skip the file-system look-up the static files middleware
        // makes for every request it sees.
        app.UseWhen(http => !IsApiPath(http.Request.Path), files => files.UseStaticFiles());
        app.UseRouting();
        app.UseRequestSizeLimit(options.MaxRequestBodyBytes);
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseCookieApiAntiforgery();
        Modules.UseMiddleware(app);

        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.UseSwaggerUI(ui =>
        {
            ui.RoutePrefix = "docs";
            ui.SwaggerEndpoint("/openapi/v1.json", "Pitlane API v1");
            ui.DocumentTitle = "Pitlane API";
        });
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") }).AllowAnonymous();
        app.MapPitlaneApi();
        app.MapRazorPages();
        // Browsers ask for /favicon.ico on their own; the icon is an SVG (also linked from the layouts).
        app.MapGet("/favicon.ico", () => Results.Redirect("/favicon.svg", permanent: true)).AllowAnonymous().ExcludeFromDescription();
        // Unknown API paths answer 404 problem+json rather than falling through to the pages.
        app.Map("/api/{**rest}", () => Problems.NotFound("No such API endpoint.")).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private static bool IsApiPath(PathString path) =>
        path.StartsWithSegments("/api") || path.StartsWithSegments("/hubs") || path.StartsWithSegments("/health");

    public static void PrintWelcome(WebApplication app)
    {
        var options = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<PitlaneOptions>>().Value;
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var url = addresses.FirstOrDefault() ?? "(no address)";
        Console.WriteLine();
        Console.WriteLine($"Pitlane is running: open {url}");
        Console.WriteLine($"  database: {options.Database.Provider}, data directory: {Path.GetFullPath(options.DataDirectory)}");
        Console.WriteLine($"  API docs: {url.TrimEnd('/')}/docs");
        foreach (var line in app.Services.GetServices<IWelcomeNote>().SelectMany(note => note.Lines(url)))
        {
            Console.WriteLine(line);
        }
        Console.WriteLine();
    }

    private static void AddOpenTelemetry(IServiceCollection services, PitlaneOptions options)
    {
        if (string.IsNullOrEmpty(options.Telemetry.OtlpEndpoint))
        {
            return;
        }
        var export = options.Telemetry;
        // OTLP/HTTP needs the signal path on the endpoint (OTLP spec: /v1/traces, /v1/metrics); gRPC takes the base.
        void Configure(OtlpExporterOptions otlp, string signalPath)
        {
            otlp.Protocol = export.OtlpProtocol == OtlpTransport.HttpProtobuf ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
            otlp.Endpoint = export.OtlpProtocol == OtlpTransport.HttpProtobuf
                ? new Uri(new Uri(export.OtlpEndpoint!.TrimEnd('/') + "/"), signalPath)
                : new Uri(export.OtlpEndpoint!);
        }
        // No OpenTelemetry hosting package here: providers are built directly from ASP.NET Core's own sources and
        // meters and disposed with the container.
        services.AddSingleton(_ => Sdk.CreateTracerProviderBuilder()
            .AddSource("Microsoft.AspNetCore", "Microsoft.EntityFrameworkCore", "System.Net.Http")
            .AddOtlpExporter(otlp => Configure(otlp, "v1/traces"))
            .Build());
        services.AddSingleton(_ => Sdk.CreateMeterProviderBuilder()
            .AddMeter("Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Http.Connections",
                "Microsoft.AspNetCore.Routing", "Microsoft.AspNetCore.Diagnostics", "Microsoft.AspNetCore.RateLimiting",
                "Microsoft.AspNetCore.Authentication", "Microsoft.AspNetCore.Identity", "System.Net.Http", "System.Runtime",
                "Pitlane.Modules.Telemetry")
            .AddOtlpExporter(otlp => Configure(otlp, "v1/metrics"))
            .Build());
        services.AddHostedService<TelemetryActivator>();
    }

    /// <summary>Resolves the providers at start so they listen from the first request.</summary>
    private sealed class TelemetryActivator(TracerProvider tracer, MeterProvider meter) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken)
        {
            tracer.ForceFlush();
            meter.ForceFlush();
            return Task.CompletedTask;
        }
    }
}
