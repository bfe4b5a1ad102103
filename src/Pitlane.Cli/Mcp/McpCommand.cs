using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using ModelContextProtocol;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Pitlane.Cli.Mcp;

/// <summary>
/// <c>pitlane mcp</c>: a Model Context Protocol server on stdin/stdout. Stdout carries protocol
/// messages only, so every log line goes to stderr.
/// </summary>
internal static class McpCommand
{
    /// <summary>
    /// The SDK's options, but without escaping quotes and apostrophes as \u0027: the answers are read by a
    /// model as text, never embedded in HTML.
    /// </summary>
    internal static readonly JsonSerializerOptions ToolJson = new(McpJsonUtilities.DefaultOptions) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create()
    {
        var server = new Option<Uri?>("--server")
        {
            Description = "Pitlane server base address for the API tools (default: $PITLANE_SERVER). Token from $PITLANE_TOKEN, or --email with $PITLANE_PASSWORD.",
            CustomParser = result => ParseServer(result.Tokens.Single().Value, result),
        };
        var email = new Option<string?>("--email") { Description = "Log in as this user; the password is read from $PITLANE_PASSWORD." };
        var organization = new Option<Guid?>("--organization") { Description = "Organisation id to act in (sent as X-Organization-Id); default: your personal organisation." };
        var command = new Command("mcp", "Serve the Pitlane tools (decode_vin, explain_dtc, lookup_vehicle, get_latest_scan, get_service_history, get_next_service, find_fitting_parts, get_order_status) to an MCP client over stdio.") { server, email, organization };
        command.SetAction(async (parse, ct) =>
        {
            var serverUri = parse.GetValue(server) ?? FromEnvironment();
            if (serverUri is null && Environment.GetEnvironmentVariable("PITLANE_SERVER") is { Length: > 0 } bad)
            {
                await Console.Error.WriteLineAsync($"pitlane mcp: PITLANE_SERVER '{bad}' is not an absolute http(s) address");
                return 2;
            }
            var options = new PitlaneApiOptions
            {
                Server = serverUri,
                AccessToken = Environment.GetEnvironmentVariable("PITLANE_TOKEN") is { Length: > 0 } token ? token : null,
                Email = parse.GetValue(email),
                Password = Environment.GetEnvironmentVariable("PITLANE_PASSWORD") is { Length: > 0 } password ? password : null,
                OrganizationId = parse.GetValue(organization),
            };
            if (options.Email is not null && options.Password is null)
            {
                await Console.Error.WriteLineAsync("pitlane mcp: --email needs the password in PITLANE_PASSWORD");
                return 2;
            }
            await RunAsync(options, ct);
            return 0;
        });
        return command;
    }

    private static Uri? FromEnvironment() =>
        Environment.GetEnvironmentVariable("PITLANE_SERVER") is { Length: > 0 } text
        && Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? WithSlash(uri) : null;

    /// <summary>Relative API paths resolve under the base only when it ends in '/' (RFC 3986 5.2).</summary>
    private static Uri WithSlash(Uri uri) => uri.AbsolutePath.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");

    private static Uri? ParseServer(string text, System.CommandLine.Parsing.ArgumentResult result)
    {
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https") return WithSlash(uri);
        result.AddError($"--server '{text}' is not an absolute http(s) address such as https://pitlane.example.com");
        return null;
    }

    private static async Task RunAsync(PitlaneApiOptions options, CancellationToken ct)
    {
        // The empty builder reads no appsettings.json from the working directory, so nothing there can
        // route a log provider to stdout.
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting", LogLevel.Warning);
        builder.Logging.AddFilter("ModelContextProtocol", LogLevel.Warning);

        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<PitlaneApiSession>();
        builder.Services.AddHttpClient<PitlaneApiClient>(http =>
        {
            if (options.Server is not null) http.BaseAddress = options.Server;
            http.Timeout = TimeSpan.FromSeconds(30);
        });
        builder.Services.AddMcpServer(mcp =>
            {
                mcp.ServerInfo = new() { Name = "pitlane", Version = typeof(McpCommand).Assembly.GetName().Version?.ToString(3) ?? "0.0.0" };
                mcp.ServerInstructions = "Pitlane vehicle tools: decode VINs and explain OBD-II trouble codes locally; look up vehicles, their latest diagnostic scan, service history and next service, parts that fit and order status on a Pitlane server.";
            })
            .WithStdioServerTransport()
            .WithTools([typeof(LocalTools), typeof(ApiTools)], ToolJson);

        using var host = builder.Build();
        await host.RunAsync(ct);
    }
}
