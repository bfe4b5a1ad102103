using Pitlane.Modules.Parking.Bookings;
using Pitlane.Modules.Telemetry.Contracts;

namespace Pitlane.Web.Tests.Parking;

/// <summary>Which telemetry readings count as a position for the geofence: fresh, paired, on the globe.</summary>
public sealed class VehicleFixTests
{
    private static readonly DateTime Now = new(2026, 12, 7, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Given_a_fresh_pair_Then_it_is_the_position_at_the_later_time()
    {
        var fix = VehicleFollow.Fix([new("0C", Now, 800), new("gps.lat", Now.AddSeconds(-3), 48.1), new("gps.lon", Now.AddSeconds(-1), 11.5)], Now);
        Assert.Equal((48.1, 11.5, Now.AddSeconds(-1)), fix);
    }

    [Theory]
    [InlineData(48.1, 11.5, -200, 0)]          // older than two minutes
    [InlineData(48.1, 11.5, -30, -15)]         // latitude and longitude 15 s apart: two different places
    [InlineData(48.1, 11.5, 120, 120)]         // two minutes in the future: a wrong clock
    [InlineData(91, 11.5, 0, 0)]               // off the globe
    [InlineData(48.1, -181, 0, 0)]
    [InlineData(double.NaN, 11.5, 0, 0)]
    [InlineData(48.1, double.PositiveInfinity, 0, 0)]
    public void Given_a_reading_that_proves_nothing_Then_no_position(double lat, double lon, int latSeconds, int lonSeconds) =>
        Assert.Null(VehicleFollow.Fix([new("gps.lat", Now.AddSeconds(latSeconds), lat), new("gps.lon", Now.AddSeconds(lonSeconds), lon)], Now));

    [Fact]
    public void Given_only_one_coordinate_or_nothing_Then_no_position()
    {
        Assert.Null(VehicleFollow.Fix([new("gps.lat", Now, 48.1)], Now));
        Assert.Null(VehicleFollow.Fix([], Now));
    }
}
