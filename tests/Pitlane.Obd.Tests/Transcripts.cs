namespace Pitlane.Obd.Tests;

/// <summary>Hand-written adapter answers (one string per line, as the ELM327 prints them with ATH1 ATS1).</summary>
internal static class Transcripts
{
    public const string Vin = "1HGCM82633A004352";

    /// <summary>A two-ECU CAN 11-bit car: engine 7E8 with a misfire (P0300, P0301, P0133 stored; P0171 pending), transmission 7E9 clean.</summary>
    public static FakeElm Can11Misfire(FakeElm? elm = null)
    {
        elm ??= new FakeElm();
        elm.Answers["0100"] = ["SEARCHING...", "7E8 06 41 00 98 18 00 01 00", "7E9 06 41 00 80 00 00 00 00"];
        // PID 01 rides with the support bitmaps; 7E8 answers in three frames interleaved with 7E9's single frame.
        elm.Answers["010120406080A0"] =
        [
            "7E8 10 10 41 01 83 07 65 04",
            "7E9 06 41 01 00 04 00 00 00",
            "7E8 21 20 00 00 00 01 40 40",
            "7E8 22 00 00 00 55 55 55 55",
        ];
        elm.Answers["0902"] = ["7E8 10 14 49 02 01 31 48 47", "7E8 21 43 4D 38 32 36 33 33", "7E8 22 41 30 30 34 33 35 32"];
        elm.Answers["03"] = ["7E8 10 08 43 03 03 00 03 01", "7E9 02 43 00 00 00 00 00 00", "7E8 21 01 33 00 00 00 00 00"];
        elm.Answers["07"] = ["7E8 04 47 01 01 71 00 00 00", "7E9 02 47 00 00 00 00 00 00"];
        elm.Answers["0A"] = ["7E8 02 4A 00 00 00 00 00 00", "7E9 02 4A 00 00 00 00 00 00"];
        elm.Answers["020000"] = ["7E8 07 42 00 00 58 18 80 00"];
        elm.Answers["02020004000500"] = ["7E8 10 0B 42 02 00 03 00 04", "7E8 21 00 33 05 00 7B 00 00"];
        elm.Answers["020C000D001100"] = ["7E8 10 0B 42 0C 00 0B B8 0D", "7E8 21 00 00 11 00 20 00 00"];
        elm.Answers["010C0D050442"] = ["7E8 10 0D 41 0C 1A F8 0D 3C", "7E8 21 05 7B 04 80 42 36 B0"];
        return elm;
    }
}
