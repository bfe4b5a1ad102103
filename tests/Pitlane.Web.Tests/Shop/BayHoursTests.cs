using Pitlane.Modules.Shop.Bays;

namespace Pitlane.Web.Tests.Shop;

/// <summary>A bay's working hours are wall-clock hours in the shop's zone, also on the days the clocks change.</summary>
public sealed class BayHoursTests
{
    private static readonly Bay Berlin = Bay.Create(Guid.NewGuid(), "Lift 1", true, false, false, 8 * 60, 18 * 60, "Europe/Berlin", DateTime.UtcNow);

    private static DateTime Utc(string instant) => DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture).UtcDateTime;

    [Theory]
    // 28 March 2027: clocks go from 02:00 to 03:00 (UTC+1 → UTC+2). 08:00 local is 06:00 UTC that day.
    [InlineData("2027-03-28T08:00:00+02:00", "2027-03-28T10:00:00+02:00", true)]
    [InlineData("2027-03-28T07:30:00+02:00", "2027-03-28T09:00:00+02:00", false)]
    [InlineData("2027-03-28T16:00:00+02:00", "2027-03-28T18:00:00+02:00", true)]
    [InlineData("2027-03-28T17:00:00+02:00", "2027-03-28T18:30:00+02:00", false)]
    // The Saturday before, still UTC+1: the same wall-clock hours are an hour later in UTC.
    [InlineData("2027-03-27T08:00:00+01:00", "2027-03-27T18:00:00+01:00", true)]
    [InlineData("2027-03-27T07:00:00Z", "2027-03-27T08:00:00Z", true)]
    [InlineData("2027-03-28T07:00:00Z", "2027-03-28T08:00:00Z", true)]
    [InlineData("2027-03-28T16:00:00Z", "2027-03-28T17:00:00Z", false)]
    // 31 October 2027: clocks go back (UTC+2 → UTC+1); 18:00 local is 17:00 UTC that day.
    [InlineData("2027-10-31T16:00:00Z", "2027-10-31T17:00:00Z", true)]
    [InlineData("2027-10-31T06:00:00Z", "2027-10-31T07:00:00Z", false)]
    // Across midnight never fits one day's hours.
    [InlineData("2027-10-31T16:00:00Z", "2027-11-01T08:00:00Z", false)]
    public void Given_a_Berlin_bay_open_8_to_18_Then_open_is_judged_in_Berlin_wall_clock_time(string start, string end, bool open) =>
        Assert.Equal(open, Berlin.IsOpen(Utc(start), Utc(end)));
}
