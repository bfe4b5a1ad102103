using Pitlane.Platform;
using Pitlane.Web.Tests.Infrastructure;

namespace Pitlane.Web.Tests.CustomerMessaging;

/// <summary>The app with texts through Twilio (the official SDK pointed at <see cref="FakeTwilio"/>) and e-mail through SMTP (<see cref="FakeSmtp"/>).</summary>
public abstract class TwilioMessagingApp : PitlaneApp
{
    public FakeTwilio Twilio { get; private set; } = null!;

    public FakeSmtp Smtp { get; private set; } = null!;

    public const string WebhookBase = "http://localhost";

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Twilio = await FakeTwilio.StartAsync();
        Smtp = new FakeSmtp();
        Set("Pitlane:CustomerMessaging:SmsProvider", "twilio");
        Set("Pitlane:CustomerMessaging:Twilio:AccountSid", FakeTwilio.AccountSid);
        Set("Pitlane:CustomerMessaging:Twilio:AuthToken", FakeTwilio.AuthToken);
        Set("Pitlane:CustomerMessaging:Twilio:From", "+15005550006");
        Set("Pitlane:CustomerMessaging:Twilio:ApiBase", Twilio.BaseUrl);
        Set("Pitlane:CustomerMessaging:Twilio:WebhookBaseUrl", WebhookBase);
        Set("Pitlane:CustomerMessaging:EmailProvider", "smtp");
        Set("Pitlane:CustomerMessaging:Smtp:Host", "127.0.0.1");
        Set("Pitlane:CustomerMessaging:Smtp:Port", Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Set("Pitlane:CustomerMessaging:Smtp:Security", "none");
        Set("Pitlane:CustomerMessaging:Smtp:From", "service@harbor.test");
        // No quiet hours unless a test sets them: the tests run at any hour.
        Set("Pitlane:CustomerMessaging:DefaultQuietStart", "00:00");
        Set("Pitlane:CustomerMessaging:DefaultQuietEnd", "00:00");
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Twilio.DisposeAsync();
        await Smtp.DisposeAsync();
    }
}

public sealed class TwilioSqliteApp : TwilioMessagingApp
{
    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class TwilioPostgresApp(PostgresServer server) : TwilioMessagingApp
{
    public override DatabaseProvider Provider => DatabaseProvider.Postgres;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Set("Pitlane:Diagnostics:AllowedAdapterNetworks", "loopback");
        if (server.UnavailableReason is null)
        {
            Set("ConnectionStrings:Pitlane", await server.CreateDatabaseAsync("pitlane"));
        }
    }

    public void EnsureAvailable()
    {
        if (server.UnavailableReason is { } reason)
        {
            ServerRequirement.Unavailable(reason);
        }
    }
}

/// <summary>The embedded profile's defaults: the SMS simulator and the e-mail outbox.</summary>
public sealed class SimulatorMessagingApp : PitlaneApp
{
    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Set("Pitlane:CustomerMessaging:DefaultQuietStart", "00:00");
        Set("Pitlane:CustomerMessaging:DefaultQuietEnd", "00:00");
    }
}
