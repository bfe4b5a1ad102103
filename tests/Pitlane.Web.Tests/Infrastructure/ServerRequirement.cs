namespace Pitlane.Web.Tests.Infrastructure;

/// <summary>
/// A test that needs a server (PostgreSQL, Chromium) skips with a reason where the binary is missing, except when
/// PITLANE_REQUIRE_SERVERS=1 (CI), where a missing server is a failure.
/// </summary>
public static class ServerRequirement
{
    public static bool Required => Environment.GetEnvironmentVariable("PITLANE_REQUIRE_SERVERS") == "1";

    public static void Unavailable(string reason)
    {
        if (Required)
        {
            Assert.Fail($"{reason} (PITLANE_REQUIRE_SERVERS=1: a missing server is a failure)");
        }
        Assert.Skip(reason);
    }
}
