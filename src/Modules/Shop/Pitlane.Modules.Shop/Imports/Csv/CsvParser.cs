using System.Text;

namespace Pitlane.Modules.Shop.Imports.Csv;

/// <summary>One record of a CSV file and the physical line it starts on (1-based, the header is line 1).</summary>
public sealed record CsvRecord(int Line, IReadOnlyList<string> Fields);

/// <summary>The file cannot be read as CSV at all (not text, a broken quote, over a limit): the whole file is refused, naming the line.</summary>
public sealed class CsvFormatException(string message, int line) : Exception($"Line {line}: {message}")
{
    public int Line { get; } = line;
}

/// <summary>
/// RFC 4180 CSV: records end with CRLF (a bare LF or CR is accepted too), fields are separated by commas, a field in
/// double quotes may hold commas, line breaks and quotes written twice (""). The file must be UTF-8 text (a byte order
/// mark is skipped); NUL and other control bytes are refused as binary. Anything RFC 4180 does not allow (a quote inside
/// an unquoted field, text after a closing quote, a quote never closed) is an error with its line, never a guess.
/// Blank lines are skipped. Limits bound the work a hostile file can cause.
/// </summary>
public static class CsvParser
{
    public const int MaxFieldLength = 1_000;
    public const int MaxFields = 64;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <param name="maxRecords">Most records, the header included.</param>
    public static IReadOnlyList<CsvRecord> Parse(ReadOnlySpan<byte> bytes, int maxRecords)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            bytes = bytes[3..];
        }
        string text;
        try
        {
            text = StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new CsvFormatException("the file is not UTF-8 text. Save it from your spreadsheet as \"CSV UTF-8\".", LineOf(bytes));
        }
        return Parse(text, maxRecords);
    }

    public static IReadOnlyList<CsvRecord> Parse(string text, int maxRecords)
    {
        ArgumentNullException.ThrowIfNull(text);
        var records = new List<CsvRecord>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var line = 1;
        var recordLine = 1;
        var i = 0;
        while (i <= text.Length)
        {
            // At the start of a field.
            if (i < text.Length && text[i] == '"')
            {
                i++;
                var quoteLine = line;
                while (true)
                {
                    if (i >= text.Length)
                    {
                        throw new CsvFormatException("a quoted field is never closed (a \" is missing).", quoteLine);
                    }
                    var c = text[i];
                    if (c == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"')
                        {
                            Append(field, '"', line);
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    Check(c, line);
                    if (c == '\n' || (c == '\r' && (i + 1 >= text.Length || text[i + 1] != '\n')))
                    {
                        line++;
                    }
                    Append(field, c, line);
                    i++;
                }
                if (i < text.Length && text[i] is not (',' or '\r' or '\n'))
                {
                    throw new CsvFormatException("text follows a closing quote; a quote inside a quoted field is written twice (\"\").", line);
                }
            }
            else
            {
                while (i < text.Length && text[i] is not (',' or '\r' or '\n'))
                {
                    if (text[i] == '"')
                    {
                        throw new CsvFormatException("a quote inside an unquoted field; put the whole field in quotes and write the quote twice (\"\").", line);
                    }
                    Check(text[i], line);
                    Append(field, text[i], line);
                    i++;
                }
            }
            fields.Add(field.ToString());
            field.Clear();
            if (fields.Count > MaxFields)
            {
                throw new CsvFormatException($"more than {MaxFields} fields in one row.", recordLine);
            }
            if (i < text.Length && text[i] == ',')
            {
                i++;
                continue;
            }
            // End of the record: a line break or the end of the text.
            if (!(fields.Count == 1 && fields[0].Length == 0))
            {
                if (records.Count >= maxRecords)
                {
                    throw new CsvFormatException($"the file has more than {maxRecords - 1} rows; split it into smaller files.", recordLine);
                }
                records.Add(new CsvRecord(recordLine, fields.ToArray()));
            }
            fields.Clear();
            if (i >= text.Length)
            {
                break;
            }
            i += text[i] == '\r' && i + 1 < text.Length && text[i + 1] == '\n' ? 2 : 1;
            line++;
            recordLine = line;
        }
        return records;
    }

    private static void Append(StringBuilder field, char c, int line)
    {
        if (field.Length >= MaxFieldLength)
        {
            throw new CsvFormatException($"a field is longer than {MaxFieldLength} characters.", line);
        }
        field.Append(c);
    }

    /// <summary>Tabs and line breaks are text; NUL and the other C0 controls mean the file is binary, not CSV.</summary>
    private static void Check(char c, int line)
    {
        if (c < 0x20 && c is not ('\t' or '\r' or '\n') || c == '\u007F')
        {
            throw new CsvFormatException($"the file holds binary data (byte 0x{(int)c:X2}), not CSV text.", line);
        }
    }

    private static int LineOf(ReadOnlySpan<byte> bytes)
    {
        // The line of the first byte that is not valid UTF-8, for the message.
        var decoder = StrictUtf8.GetDecoder();
        var line = 1;
        for (var i = 0; i < bytes.Length; i++)
        {
            try
            {
                decoder.GetCharCount(bytes.Slice(i, 1), flush: false);
            }
            catch (DecoderFallbackException)
            {
                return line;
            }
            if (bytes[i] == (byte)'\n')
            {
                line++;
            }
        }
        return line;
    }
}
