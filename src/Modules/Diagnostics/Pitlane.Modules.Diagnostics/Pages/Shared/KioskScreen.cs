using Microsoft.AspNetCore.Mvc;
using Pitlane.Modules.Diagnostics.Pages.Diagnostics;
using QRCoder;

namespace Pitlane.Modules.Diagnostics.Pages.Shared;

/// <summary>
/// What the kiosk screen (_KioskScreen.cshtml, driven by wwwroot/js/diagnostics-kiosk.js) needs, in either of its two modes:
/// "staff" (a signed-in shop account, /Diagnostics/Kiosk, the whole scan API) and "device" (a paired kiosk, /Kiosk, the
/// kiosk API only: its one adapter and its own recent scans).
/// </summary>
public sealed record KioskScreen(
    string Mode, string OrganizationName, Guid? OrganizationId, string Csrf, Guid? AdapterId, bool CanScan, string? Role,
    IReadOnlyList<AdapterChoice> Adapters, string QrUrl)
{
    /// <summary>Seconds without a touch on the result (or the VIN step) before the kiosk starts over.</summary>
    public const int IdleSeconds = 120;

    public bool Device => Mode == "device";

    /// <summary>A report's share link as a QR code (ISO/IEC 18004, level M), drawn here so the link never goes to a third-party QR service.</summary>
    public static FileContentResult QrPng(string url)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(url, QRCodeGenerator.ECCLevel.M);
        using var png = new PngByteQRCode(data);
        return new FileContentResult(png.GetGraphic(10), "image/png");
    }
}
