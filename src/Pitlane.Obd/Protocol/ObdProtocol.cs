namespace Pitlane.Obd.Protocol;

/// <summary>The protocol numbers of the ELM327 ATSP / ATDPN commands.</summary>
public enum ObdProtocol
{
    Automatic = 0,
    SaeJ1850Pwm = 1,
    SaeJ1850Vpw = 2,
    Iso9141_2 = 3,
    Iso14230_4KwpSlowInit = 4,
    Iso14230_4KwpFastInit = 5,
    Iso15765_4Can11Bit500k = 6,
    Iso15765_4Can29Bit500k = 7,
    Iso15765_4Can11Bit250k = 8,
    Iso15765_4Can29Bit250k = 9,
    SaeJ1939Can29Bit250k = 10,
    UserCan1 = 11,
    UserCan2 = 12,
}

public static class ObdProtocols
{
    public static bool IsCan(this ObdProtocol protocol) => protocol >= ObdProtocol.Iso15765_4Can11Bit500k;

    public static bool IsCan29Bit(this ObdProtocol protocol) =>
        protocol is ObdProtocol.Iso15765_4Can29Bit500k or ObdProtocol.Iso15765_4Can29Bit250k or ObdProtocol.SaeJ1939Can29Bit250k;

    public static bool IsJ1850(this ObdProtocol protocol) => protocol is ObdProtocol.SaeJ1850Pwm or ObdProtocol.SaeJ1850Vpw;

    public static string DisplayName(this ObdProtocol protocol) => protocol switch
    {
        ObdProtocol.Automatic => "Automatic",
        ObdProtocol.SaeJ1850Pwm => "SAE J1850 PWM (41.6 kbaud)",
        ObdProtocol.SaeJ1850Vpw => "SAE J1850 VPW (10.4 kbaud)",
        ObdProtocol.Iso9141_2 => "ISO 9141-2 (5 baud init)",
        ObdProtocol.Iso14230_4KwpSlowInit => "ISO 14230-4 KWP (5 baud init)",
        ObdProtocol.Iso14230_4KwpFastInit => "ISO 14230-4 KWP (fast init)",
        ObdProtocol.Iso15765_4Can11Bit500k => "ISO 15765-4 CAN (11 bit ID, 500 kbaud)",
        ObdProtocol.Iso15765_4Can29Bit500k => "ISO 15765-4 CAN (29 bit ID, 500 kbaud)",
        ObdProtocol.Iso15765_4Can11Bit250k => "ISO 15765-4 CAN (11 bit ID, 250 kbaud)",
        ObdProtocol.Iso15765_4Can29Bit250k => "ISO 15765-4 CAN (29 bit ID, 250 kbaud)",
        ObdProtocol.SaeJ1939Can29Bit250k => "SAE J1939 CAN (29 bit ID, 250 kbaud)",
        ObdProtocol.UserCan1 => "User1 CAN",
        _ => "User2 CAN",
    };

    /// <summary>Conventional role of an answering ECU by its address (ISO 15765-4 7E8.., 18DAF1xx; J1850/ISO source addresses).</summary>
    public static string RoleOf(string ecu)
    {
        var address = ecu.Length switch
        {
            3 => ecu switch { "7E8" => "10", "7E9" => "18", "7EA" => "28", _ => "" },
            8 => ecu[6..],
            2 => ecu,
            _ => "",
        };
        return address switch
        {
            "10" or "11" => "Engine",
            "18" or "19" => "Transmission",
            "28" => "Brakes (ABS)",
            "" => "Unknown",
            _ => "Other",
        };
    }
}
