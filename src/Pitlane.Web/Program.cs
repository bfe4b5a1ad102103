using Pitlane.Web;

// Composition root. Settings are validated first: a wrong value stops the app with a message naming the setting.
var builder = WebApplication.CreateBuilder(args);
if (!PitlaneHost.TryReadOptions(builder.Configuration, out var startup, out var fault))
{
    Console.Error.WriteLine($"Pitlane cannot start: {fault}");
    return 2;
}
var app = PitlaneHost.Build(builder, startup);
app.Lifetime.ApplicationStarted.Register(() => PitlaneHost.PrintWelcome(app));
await app.RunAsync();
return 0;

public partial class Program;
