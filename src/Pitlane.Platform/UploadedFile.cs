using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Pitlane.Platform;

/// <summary>
/// One uploaded file, sent either as the raw request body or as the part named <paramref name="Part"/> of a
/// multipart/form-data body (what an HTML form or <c>curl -F</c> sends). The callback reads the file's bytes once, as a
/// stream; other parts are skipped. A malformed multipart body throws <see cref="InvalidDataException"/>.
/// </summary>
public static class UploadedFile
{
    public static bool IsMultipart(HttpRequest request) =>
        MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
        && type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Calls <paramref name="read"/> with the file's stream and its name (from the part's Content-Disposition, else
    /// null) and returns its answer; returns <c>default</c> when a multipart body has no part named
    /// <paramref name="part"/>. <paramref name="maxBytes"/> bounds a multipart body as a whole.
    /// </summary>
    public static async Task<(bool Found, T? Value)> ReadAsync<T>(
        HttpRequest request, string part, long maxBytes, Func<Stream, string?, Task<T>> read, CancellationToken ct)
    {
        if (!IsMultipart(request))
        {
            return (true, await read(request.Body, null));
        }
        MediaTypeHeaderValue.TryParse(request.ContentType, out var type);
        var boundary = HeaderUtilities.RemoveQuotes(type!.Boundary).Value;
        if (string.IsNullOrEmpty(boundary) || boundary.Length > 200)
        {
            throw new InvalidDataException("The multipart body has no valid boundary.");
        }
        var reader = new MultipartReader(boundary, request.Body) { BodyLengthLimit = maxBytes };
        (bool, T?) result = (false, default);
        while (await reader.ReadNextSectionAsync(ct) is { } section)
        {
            if (!result.Item1
                && ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                && disposition.Name.Value == part)
            {
                result = (true, await read(section.Body, disposition.FileNameStar.Value ?? disposition.FileName.Value));
            }
        }
        return result;
    }
}
