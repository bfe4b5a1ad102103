using System.Diagnostics;
using System.Net;

namespace Pitlane.Web.Tests.Diagnostics;

public abstract partial class AgentTests
{
    /// <summary>
    /// A flood of long polls on one agent key (issue 11 item 14, bounded, in process): every poll ends within its wait,
    /// the app stays responsive meanwhile, and a scan started during the flood goes to exactly one of them.
    /// </summary>
    [Fact]
    public async Task Given_forty_concurrent_long_polls_on_one_key_Then_all_end_in_time_the_app_answers_and_one_scan_goes_to_exactly_one()
    {
        var shop = await AgentShopAsync("Flood");
        var clients = Enumerable.Range(0, 40).Select(_ => AgentClient(shop.Key)).ToList();
        try
        {
            var watch = Stopwatch.StartNew();
            var polls = clients.Select(c => c.GetAsync("/api/v1/diagnostics/agent/work?waitSeconds=3", Ct)).ToList();
            await Task.Delay(300, Ct);

            var health = Stopwatch.StartNew();
            using (var probe = App.CreateClient())
            {
                Assert.Equal(HttpStatusCode.OK, (await probe.GetAsync("/health/live", Ct)).StatusCode);
            }
            Assert.True(health.Elapsed < TimeSpan.FromSeconds(5), $"/health/live took {health.Elapsed.TotalMilliseconds:0} ms during the flood");
            var scanId = await StartScanAsync(shop);

            var answers = await Task.WhenAll(polls);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"the polls took {watch.Elapsed.TotalSeconds:0.0} s");
            Assert.All(answers, a => Assert.True(a.StatusCode is HttpStatusCode.OK or HttpStatusCode.NoContent, $"a poll answered {a.StatusCode}"));
            var delivered = answers.Where(a => a.StatusCode == HttpStatusCode.OK).ToList();
            Assert.Single(delivered);
            Assert.Contains(scanId.ToString(), await delivered[0].Content.ReadAsStringAsync(Ct), StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }
}
