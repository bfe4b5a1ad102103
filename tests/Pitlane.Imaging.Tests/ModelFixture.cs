namespace Pitlane.Imaging.Tests;

/// <summary>
/// One model session for the whole test run (loading it takes seconds). The build obtains the model
/// (StudioModel.targets); when it is missing the tests fail under PITLANE_REQUIRE_SERVERS=1 (CI) and skip otherwise.
/// </summary>
public sealed class ModelFixture : IDisposable
{
    private readonly Lazy<Segmenter?> _segmenter = new(() =>
        File.Exists(StudioModelLocation.Default) ? new Segmenter(StudioModelLocation.Default) : null);

    public Segmenter Segmenter
    {
        get
        {
            var segmenter = _segmenter.Value;
            if (segmenter is not null)
            {
                return segmenter;
            }

            var message = $"The ISNet model is missing at {StudioModelLocation.Default}: build with npm available (tools/studio-model/fetch-model.sh).";
            if (Environment.GetEnvironmentVariable("PITLANE_REQUIRE_SERVERS") == "1")
            {
                Assert.Fail(message);
            }

            Assert.Skip(message);
            return null!;
        }
    }

    public void Dispose()
    {
        if (_segmenter.IsValueCreated)
        {
            _segmenter.Value?.Dispose();
        }
    }
}

[CollectionDefinition("model")]
public sealed class ModelCollection : ICollectionFixture<ModelFixture>;
