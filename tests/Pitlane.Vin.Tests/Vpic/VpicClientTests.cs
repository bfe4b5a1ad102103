using System.Net;
using Pitlane.Vin.Vpic;

namespace Pitlane.Vin.Tests.Vpic;

public sealed class VpicClientTests
{
    [Fact]
    public async Task Given_vpic_answer_Then_fields_mapped_and_empty_strings_are_null()
    {
        await using var server = FakeVpicServer.Start(new FakeAnswer(200, VpicSamples.HondaAccord2003));
        using var http = server.CreateClient();

        var result = await new VpicClient(http).DecodeAsync("1HGCM82633A004352", null, TestContext.Current.CancellationToken);

        Assert.Equal(
            new VpicDecodeResult(
                Make: "HONDA",
                Model: "Accord",
                ModelYear: 2003,
                Trim: "EX-V6",
                BodyClass: "Coupe",
                EngineModel: "J30A4",
                DisplacementL: 2.998832712m,
                EngineCylinders: 6,
                FuelType: "Gasoline",
                PlantCity: "MARYSVILLE",
                PlantCountry: "UNITED STATES (USA)",
                Manufacturer: "AMERICAN HONDA MOTOR CO., INC.",
                ErrorCode: "0",
                ErrorText: "0 - VIN decoded clean. Check Digit (9th position) is correct"),
            result);
    }

    [Fact]
    public async Task Given_vin_without_model_year_Then_request_path_and_query_as_documented()
    {
        await using var server = FakeVpicServer.Start(new FakeAnswer(200, VpicSamples.HondaAccord2003));
        using var http = server.CreateClient();

        await new VpicClient(http).DecodeAsync("1HGCM82633A004352", null, TestContext.Current.CancellationToken);

        Assert.Equal("/api/vehicles/DecodeVinValues/1HGCM82633A004352?format=json", Assert.Single(server.RequestTargets));
    }

    [Fact]
    public async Task Given_model_year_and_wildcard_vin_Then_modelyear_in_query_and_vin_escaped()
    {
        await using var server = FakeVpicServer.Start(new FakeAnswer(200, VpicSamples.Sparse));
        using var http = server.CreateClient();

        await new VpicClient(http).DecodeAsync("5UXWX7C5*BA", 2011, TestContext.Current.CancellationToken);

        Assert.Equal("/api/vehicles/DecodeVinValues/5UXWX7C5%2ABA?format=json&modelyear=2011", Assert.Single(server.RequestTargets));
    }

    [Fact]
    public async Task Given_vpic_error_code_in_body_Then_returned_as_data_not_thrown()
    {
        await using var server = FakeVpicServer.Start(new FakeAnswer(200, VpicSamples.CheckDigitWrong));
        using var http = server.CreateClient();

        var result = await new VpicClient(http).DecodeAsync("1HGCM82633A004353", null, TestContext.Current.CancellationToken);

        Assert.Equal("1", result.ErrorCode);
        Assert.Equal("HONDA", result.Make);
    }

    [Fact]
    public async Task Given_sparse_body_Then_missing_null_and_numeric_fields_tolerated()
    {
        await using var server = FakeVpicServer.Start(new FakeAnswer(200, VpicSamples.Sparse));
        using var http = server.CreateClient();

        var result = await new VpicClient(http).DecodeAsync("5UXWX7C5*BA", 2011, TestContext.Current.CancellationToken);

        Assert.Equal("BMW", result.Make);
        Assert.Equal(2011, result.ModelYear);
        Assert.Equal(3m, result.DisplacementL);
        Assert.Null(result.EngineCylinders);
        Assert.Null(result.Trim);
        Assert.Null(result.PlantCity);
        Assert.Equal("6", result.ErrorCode);
    }

    [Fact]
    public async Task Given_500_Then_vpic_exception_with_status()
    {
        await using var server = FakeVpicServer.Start(new FakeAnswer(500, "Internal Server Error", "text/plain"));
        using var http = server.CreateClient();

        var error = await Assert.ThrowsAsync<VpicException>(
            () => new VpicClient(http).DecodeAsync("1HGCM82633A004352", null, TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);
        Assert.False(error.IsTimeout);
    }

    [Theory]
    [InlineData("<html><body>Service Unavailable</body></html>")]
    [InlineData("")]
    [InlineData("{\"Count\":1,\"Results\":")]
    public async Task Given_garbage_body_Then_vpic_exception_wrapping_json_error(string body)
    {
        await using var server = FakeVpicServer.Start(new FakeAnswer(200, body, "text/html"));
        using var http = server.CreateClient();

        var error = await Assert.ThrowsAsync<VpicException>(
            () => new VpicClient(http).DecodeAsync("1HGCM82633A004352", null, TestContext.Current.CancellationToken));

        Assert.IsAssignableFrom<System.Text.Json.JsonException>(error.InnerException);
        Assert.Equal(HttpStatusCode.OK, error.StatusCode);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("{\"Count\":0,\"Message\":\"No results\",\"Results\":[]}")]
    [InlineData("{\"Count\":1,\"Results\":[\"text\"]}")]
    public async Task Given_json_without_results_object_Then_vpic_exception(string body)
    {
        await using var server = FakeVpicServer.Start(new FakeAnswer(200, body));
        using var http = server.CreateClient();

        await Assert.ThrowsAsync<VpicException>(
            () => new VpicClient(http).DecodeAsync("1HGCM82633A004352", null, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Given_slow_answer_and_short_timeout_Then_vpic_exception_marked_timeout()
    {
        await using var server = FakeVpicServer.Start(async (_, stopping) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(30), stopping);
            return new FakeAnswer(200, VpicSamples.HondaAccord2003);
        });
        using var http = server.CreateClient(TimeSpan.FromMilliseconds(300));
        var started = TimeProvider.System.GetTimestamp();

        var error = await Assert.ThrowsAsync<VpicException>(
            () => new VpicClient(http).DecodeAsync("1HGCM82633A004352", null, TestContext.Current.CancellationToken));

        Assert.True(error.IsTimeout);
        Assert.True(TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Given_caller_cancels_Then_operation_canceled_not_wrapped()
    {
        await using var server = FakeVpicServer.Start(async (_, stopping) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(30), stopping);
            return new FakeAnswer(200, VpicSamples.HondaAccord2003);
        });
        using var http = server.CreateClient();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cancel.CancelAfter(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => new VpicClient(http).DecodeAsync("1HGCM82633A004352", null, cancel.Token));
    }

    [Fact]
    public async Task Given_nothing_listening_Then_vpic_exception()
    {
        Uri deadAddress;
        await using (var server = FakeVpicServer.Start(new FakeAnswer(200, "{}")))
        {
            deadAddress = server.BaseAddress;
        }

        using var http = new HttpClient { BaseAddress = deadAddress, Timeout = TimeSpan.FromSeconds(5) };

        await Assert.ThrowsAsync<VpicException>(
            () => new VpicClient(http).DecodeAsync("1HGCM82633A004352", null, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Given_blank_vin_Then_argument_exception_before_any_request()
    {
        await using var server = FakeVpicServer.Start(new FakeAnswer(200, VpicSamples.HondaAccord2003));
        using var http = server.CreateClient();

        await Assert.ThrowsAnyAsync<ArgumentException>(
            () => new VpicClient(http).DecodeAsync(" ", null, TestContext.Current.CancellationToken));
        Assert.Empty(server.RequestTargets);
    }
}
