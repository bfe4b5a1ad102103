namespace Pitlane.Imaging;

/// <summary>PITLANE_STUDIO_MODEL when set; else where the build puts the model (src/Pitlane.Imaging/StudioModel.targets): $PITLANE_CACHE or ~/.cache/pitlane.</summary>
public static class StudioModelLocation
{
    public static string Default
    {
        get
        {
            if (Environment.GetEnvironmentVariable("PITLANE_STUDIO_MODEL") is { Length: > 0 } explicitPath)
            {
                return explicitPath;
            }

            var cache = Environment.GetEnvironmentVariable("PITLANE_CACHE");
            if (string.IsNullOrEmpty(cache))
            {
                cache = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "pitlane");
            }

            return Path.Combine(cache, "models", "isnet-fp16.onnx");
        }
    }
}
