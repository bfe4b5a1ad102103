using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SkiaSharp;

namespace Pitlane.Imaging;

/// <summary>The model file is not there: the build obtains it (docs/studio.md); the message says how.</summary>
public sealed class ModelMissingException(string path) : Exception(
    $"The background-removal model is missing at {path}. Build the solution with npm available (tools/studio-model/fetch-model.sh) or set Pitlane:Studio:ModelPath.")
{
    public string Path { get; } = path;
}

/// <summary>
/// ISNet (Qin et al., "Highly Accurate Dichotomous Image Segmentation", ECCV 2022) as shipped by
/// @imgly/background-removal-data: one RGB input in NCHW float32, scaled as ISNet was trained (x/255 − 0.5, std 1),
/// and a single-channel saliency map of the same side in [0, 1]. Input name and side are read from the model's
/// metadata, not assumed. One session is shared; ONNX Runtime's Run is thread-safe.
/// </summary>
public sealed class Segmenter : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string _inputName;
    private readonly string _outputName;

    public Segmenter(string modelPath, int intraOpThreads = 0)
    {
        if (!File.Exists(modelPath))
        {
            throw new ModelMissingException(modelPath);
        }

        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        };
        if (intraOpThreads > 0)
        {
            options.IntraOpNumThreads = intraOpThreads;
        }

        _session = new InferenceSession(modelPath, options);
        var input = _session.InputMetadata.Single();
        _inputName = input.Key;
        _outputName = _session.OutputMetadata.Keys.First();
        var dims = input.Value.Dimensions;
        // NCHW; a symbolic side (-1) means the model takes any side: ISNet was trained at 1024.
        Side = dims.Length == 4 && dims[2] > 0 ? dims[2] : 1024;
        InputDescription = $"{_inputName} [{string.Join(',', dims)}] {input.Value.ElementDataType}";
    }

    public int Side { get; }

    /// <summary>"input [1,3,1024,1024] Float", for logs and the benchmark.</summary>
    public string InputDescription { get; }

    /// <summary>The saliency map at the model's side (Side×Side), values in [0, 1].</summary>
    public float[] Predict(RgbaImage image)
    {
        var side = Side;
        var input = new DenseTensor<float>([1, 3, side, side]);
        using (var source = image.ToBitmap())
        using (var resized = source.Resize(new SKImageInfo(side, side, SKColorType.Rgba8888, SKAlphaType.Unpremul), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.None)))
        {
            var px = resized.GetPixelSpan();
            var buffer = input.Buffer.Span;
            var plane = side * side;
            for (var i = 0; i < plane; i++)
            {
                buffer[i] = (px[i * 4] / 255f) - 0.5f;
                buffer[plane + i] = (px[(i * 4) + 1] / 255f) - 0.5f;
                buffer[(2 * plane) + i] = (px[(i * 4) + 2] / 255f) - 0.5f;
            }
        }

        using var results = _session.Run([NamedOnnxValue.CreateFromTensor(_inputName, input)], [_outputName]);
        var output = results[0].AsEnumerable<float>().ToArray();
        if (output.Length != side * side)
        {
            throw new InvalidOperationException($"The model answered {output.Length} values, expected {side * side}.");
        }

        for (var i = 0; i < output.Length; i++)
        {
            output[i] = Math.Clamp(output[i], 0f, 1f);
        }

        return output;
    }

    public void Dispose() => _session.Dispose();
}
