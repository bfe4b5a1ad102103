using System.Text;

namespace Pitlane.Obd.Simulator;

/// <summary>
/// One control unit: answers SAE J1979 services 01-0A and ISO 14229 UDS services with the payload bytes it
/// would put on the bus. Framing (ISO-TP, K-line headers) is the adapter side's business.
/// </summary>
internal sealed class SimulatedEcu
{
    private readonly SimulatedVehicle _vehicle;
    private readonly SortedSet<byte> _pids;
    private readonly byte[] _infoTypes;

    public SimulatedEcu(EcuRole role, SimulatedVehicle vehicle)
    {
        Role = role;
        _vehicle = vehicle;
        _pids = role switch
        {
            EcuRole.Engine => [.. EnginePids],
            EcuRole.Transmission => [0x01, 0x0D, 0x1C],
            _ => [0x01, 0x0D],
        };
        _infoTypes = role switch
        {
            EcuRole.Engine => [0x02, 0x04, 0x06, 0x0A],
            EcuRole.Transmission => [0x04, 0x06, 0x0A],
            _ => [0x0A],
        };
    }

    public EcuRole Role { get; }

    public int Index => (int)Role;

    /// <summary>ISO 9141-2 / J1979 source address of the ECU, and the last byte of its 29-bit CAN identifier.</summary>
    public byte Address => Role switch { EcuRole.Engine => 0x10, EcuRole.Transmission => 0x18, _ => 0x28 };

    public string AcronymAndName => Role switch
    {
        EcuRole.Engine => "ECM\0-EngineControl",
        EcuRole.Transmission => "TCM\0-TransmissionCtl",
        _ => "ABS\0-AntiLockBrake",
    };

    private static readonly byte[] EnginePids =
    [
        0x01, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0x10, 0x11, 0x13, 0x14, 0x15,
        0x18, 0x19, 0x1C, 0x1F, 0x21, 0x2F, 0x30, 0x31, 0x33, 0x42, 0x46, 0x49, 0x4D, 0x4E, 0x5C, 0x62, 0x63, 0xA6,
    ];

    // Freeze-frame PIDs (service 02) captured with the DTC.
    private static readonly byte[] FreezeFramePids = [0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x0B, 0x0C, 0x0D, 0x0F, 0x11];

    private static readonly byte[] MonitorIds = [0x01, 0x21, 0xA1, 0xA2, 0xA3, 0xA4, 0xA5];

    /// <summary>
    /// Answers one request. Returns the messages the ECU sends, in order (a 0x78 response-pending before the answer),
    /// or none when it stays silent: J1979 ECUs do not answer unsupported PIDs, and ISO 14229-1 suppresses
    /// 0x11/0x12/0x31 negative responses to functionally addressed requests.
    /// </summary>
    public IReadOnlyList<byte[]> Handle(ReadOnlySpan<byte> request, bool functional, bool can, bool responsePending)
    {
        if (request.Length == 0)
        {
            return [];
        }

        var sid = request[0];
        var args = request[1..];
        return sid switch
        {
            0x01 => One(Service01(args, can)),
            0x02 => One(Service02(args, can)),
            0x03 => Dtcs(0x43, DtcKind.Stored, args, can),
            0x04 => One(Service04(args)),
            0x06 => One(can ? Service06(args) : null),
            0x07 => Dtcs(0x47, DtcKind.Pending, args, can),
            0x09 => Service09(args, can),
            0x0A => Dtcs(0x4A, DtcKind.Permanent, args, can),
            >= 0x10 when can => Uds(sid, args, functional, responsePending),
            _ => [],
        };
    }

    private static IReadOnlyList<byte[]> One(byte[]? message) => message is null ? [] : [message];

    private byte[]? Service01(ReadOnlySpan<byte> pids, bool can)
    {
        // SAE J1979: up to six PIDs per request on CAN, answered in request order; K-line ECUs answer the first.
        if (pids.Length is 0 or > 6)
        {
            return null;
        }

        var answer = new List<byte> { 0x41 };
        var sample = _vehicle.Sample();
        foreach (var pid in pids)
        {
            if (Encode01(pid, sample, _pids) is { } data)
            {
                answer.Add(pid);
                answer.AddRange(data);
            }

            if (!can)
            {
                break;
            }
        }

        return answer.Count > 1 ? [.. answer] : null;
    }

    private byte[]? Service02(ReadOnlySpan<byte> args, bool can)
    {
        if (args.Length < 2 || args.Length % 2 != 0 || args.Length > 6)
        {
            return null;
        }

        var frame = _vehicle.FreezeFrame(Role);
        var answer = new List<byte> { 0x42 };
        for (var i = 0; i < args.Length; i += 2)
        {
            var (pid, number) = (args[i], args[i + 1]);
            if (number != 0 || Role != EcuRole.Engine)
            {
                continue;
            }

            byte[]? data = pid switch
            {
                0x00 or 0x20 => Bitmap(pid, FreezeFramePids),
                // SAE J1979 PID 02: the DTC that stored the freeze frame, 0000 when there is none.
                0x02 => frame is { } f ? DtcBytes(f.Dtc) : [0, 0],
                _ when frame is { } f && FreezeFramePids.Contains(pid) => Encode01(pid, f.Values, _pids),
                _ => null,
            };
            if (data is not null)
            {
                answer.Add(pid);
                answer.Add(number);
                answer.AddRange(data);
            }

            if (!can)
            {
                break;
            }
        }

        return answer.Count > 1 ? [.. answer] : null;
    }

    private byte[]? Service04(ReadOnlySpan<byte> args)
    {
        if (args.Length != 0)
        {
            return null;
        }

        _vehicle.Clear(Role);
        return [0x44];
    }

    private IReadOnlyList<byte[]> Dtcs(byte positive, DtcKind kind, ReadOnlySpan<byte> args, bool can)
    {
        if (args.Length != 0)
        {
            return [];
        }

        var codes = _vehicle.Dtcs(Role, kind);
        if (can)
        {
            // ISO 15765-4: one message, a count byte then two bytes per code.
            var answer = new List<byte> { positive, (byte)codes.Count };
            foreach (var code in codes)
            {
                answer.AddRange(DtcBytes(code));
            }

            return [[.. answer]];
        }

        // K-line (SAE J1979 for ISO 9141-2): three codes per message, padded with 0000.
        var messages = new List<byte[]>();
        for (var i = 0; i == 0 || i < codes.Count; i += 3)
        {
            var message = new byte[7];
            message[0] = positive;
            for (var j = 0; j < 3 && i + j < codes.Count; j++)
            {
                DtcBytes(codes[i + j]).CopyTo(message, 1 + (2 * j));
            }

            messages.Add(message);
        }

        return messages;
    }

    private byte[]? Service06(ReadOnlySpan<byte> mids)
    {
        if (Role != EcuRole.Engine || mids.Length is 0 or > 6)
        {
            return null;
        }

        var answer = new List<byte> { 0x46 };
        foreach (var mid in mids)
        {
            if (mid % 0x20 == 0)
            {
                if (mids.Length == 1 || mids.ToArray().All(m => m % 0x20 == 0))
                {
                    answer.Add(mid);
                    answer.AddRange(Bitmap(mid, MonitorIds));
                }

                continue;
            }

            if (mids.Length > 1)
            {
                // SAE J1979: several OBDMIDs per request only when all ask for supported OBDMIDs.
                return null;
            }

            foreach (var (tid, unit, value, min, max) in MonitorTests(mid))
            {
                answer.AddRange([mid, tid, unit, (byte)(value >> 8), (byte)value, (byte)(min >> 8), (byte)min, (byte)(max >> 8), (byte)max]);
            }
        }

        return answer.Count > 1 ? [.. answer] : null;
    }

    /// <summary>SAE J1979 service 06 test results: OBDMID, TID, unit and scaling id, value, min, max.</summary>
    private IEnumerable<(byte Tid, byte Unit, int Value, int Min, int Max)> MonitorTests(byte mid)
    {
        switch (mid)
        {
            case 0x01:
                // O2 sensor bank 1 sensor 1: rich-to-lean switch threshold, UASID 0x0A (0.122 mV per bit).
                yield return (0x01, 0x0A, 3689, 3279, 4098);
                break;
            case 0x21:
                // Catalyst bank 1, manufacturer test 0x80, UASID 0x01 (raw ratio): oxygen storage index, pass at or below the max.
                var failing = _vehicle.Scenario.Name == SimulatorScenarios.Catalyst;
                yield return (0x80, 0x01, failing ? 0x0310 : 0x0062, 0x0000, 0x0200);
                break;
            case 0xA1:
                // Misfire, general: TID 0B EWMA of the last ten cycles, 0C this cycle; UASID 0x24 counts, no limits.
                var total = Enumerable.Range(1, 4).Sum(_vehicle.MisfireCount);
                yield return (0x0B, 0x24, Math.Min(0xFFFF, total / 2), 0, 0xFFFF);
                yield return (0x0C, 0x24, Math.Min(0xFFFF, total), 0, 0xFFFF);
                break;
            case >= 0xA2 and <= 0xA5:
                var count = _vehicle.MisfireCount(mid - 0xA1);
                yield return (0x0B, 0x24, Math.Min(0xFFFF, count / 2), 0, 0xFFFF);
                yield return (0x0C, 0x24, Math.Min(0xFFFF, count), 0, 0xFFFF);
                break;
            default:
                yield break;
        }
    }

    private IReadOnlyList<byte[]> Service09(ReadOnlySpan<byte> args, bool can)
    {
        if (args.Length != 1)
        {
            return [];
        }

        var infoType = args[0];
        byte[] supported = can ? _infoTypes : Role == EcuRole.Engine ? [0x01, 0x02, 0x04, 0x06] : [];
        if (infoType == 0x00)
        {
            return supported.Length == 0 ? [] : [[0x49, 0x00, .. Bitmap(0, supported)]];
        }

        if (!supported.Contains(infoType))
        {
            return [];
        }

        // Items: VIN (17 ASCII), calibration id (16 ASCII, zero-padded), CVN (4 bytes), ECU name (20 ASCII).
        (byte Count, byte[] Data) item = infoType switch
        {
            0x01 => (5, []),
            0x02 => (1, Encoding.ASCII.GetBytes(_vehicle.Vin)),
            0x04 => (1, Padded(CalibrationId, 16)),
            0x06 => (1, Cvn),
            _ => (1, Padded(AcronymAndName, 20)),
        };

        if (can)
        {
            return [[0x49, infoType, item.Count, .. item.Data]];
        }

        if (infoType == 0x01)
        {
            // Number of messages the VIN takes on the K-line.
            return [[0x49, 0x01, 0x05]];
        }

        // K-line: four data bytes per message with a message counter; the VIN is front-padded with zeros to 20 bytes.
        var data = infoType == 0x02 ? [0, 0, 0, .. item.Data] : item.Data;
        var messages = new List<byte[]>();
        for (var i = 0; i < data.Length; i += 4)
        {
            var message = new byte[7];
            message[0] = 0x49;
            message[1] = infoType;
            message[2] = (byte)((i / 4) + 1);
            data.AsSpan(i, Math.Min(4, data.Length - i)).CopyTo(message.AsSpan(3));
            messages.Add(message);
        }

        return messages;
    }

    private string CalibrationId => Role switch
    {
        EcuRole.Engine => "37805RNAA530",
        EcuRole.Transmission => "28101RCTA120",
        _ => "57110SDA0010",
    };

    private byte[] Cvn => Role switch
    {
        EcuRole.Engine => [0x1A, 0x2B, 0x3C, 0x4D],
        EcuRole.Transmission => [0x5E, 0x6F, 0x70, 0x81],
        _ => [0x92, 0xA3, 0xB4, 0xC5],
    };

    private string SerialNumber => $"SIM{(int)Role + 1}{(uint)_vehicle.Seed % 1_000_000:D6}";

    private string PartNumber => Role switch
    {
        EcuRole.Engine => "37820-RAA-A01",
        EcuRole.Transmission => "28100-RCT-A01",
        _ => "57110-SDA-A01",
    };

    /// <summary>ISO 14229-1 services over ISO-TP: 10, 14, 19, 22, 3E.</summary>
    private IReadOnlyList<byte[]> Uds(byte sid, ReadOnlySpan<byte> args, bool functional, bool responsePending)
    {
        var answer = UdsAnswer(sid, args);
        if (answer is null)
        {
            return [];
        }

        var negative = answer[0] == 0x7F;
        // Functionally addressed requests get no 0x11, 0x12, 0x31 or 0x7E/0x7F negative response (ISO 14229-1 7.5).
        if (functional && negative && answer[2] is 0x11 or 0x12 or 0x31 or 0x7E or 0x7F)
        {
            return [];
        }

        return responsePending && !negative && sid is 0x19 or 0x22 ? [[0x7F, sid, 0x78], answer] : [answer];
    }

    private byte[]? UdsAnswer(byte sid, ReadOnlySpan<byte> args)
    {
        static byte[] Nrc(byte sid, byte code) => [0x7F, sid, code];
        switch (sid)
        {
            case 0x10:
                if (args.Length != 1)
                {
                    return Nrc(sid, 0x13);
                }

                var session = (byte)(args[0] & 0x7F);
                if (session is not (0x01 or 0x02 or 0x03))
                {
                    return Nrc(sid, 0x12);
                }

                _vehicle.SetSession(Role, session);
                // P2 server max 50 ms, P2* 5000 ms (in units of 10 ms).
                return (args[0] & 0x80) != 0 ? null : [0x50, session, 0x00, 0x32, 0x01, 0xF4];
            case 0x3E:
                if (args.Length != 1 || (args[0] & 0x7F) != 0)
                {
                    return args.Length != 1 ? Nrc(sid, 0x13) : Nrc(sid, 0x12);
                }

                // Bit 7 set: suppress the positive response.
                return (args[0] & 0x80) != 0 ? null : [0x7E, 0x00];
            case 0x14:
                if (args.Length != 3)
                {
                    return Nrc(sid, 0x13);
                }

                if (args[0] != 0xFF || args[1] != 0xFF || args[2] != 0xFF)
                {
                    return Nrc(sid, 0x31);
                }

                _vehicle.Clear(Role);
                return [0x54];
            case 0x19:
                return ReadDtcInformation(args);
            case 0x22:
                return ReadDataByIdentifier(args);
            default:
                return Nrc(sid, 0x11);
        }
    }

    private byte[] ReadDataByIdentifier(ReadOnlySpan<byte> args)
    {
        if (args.Length == 0 || args.Length % 2 != 0)
        {
            return [0x7F, 0x22, 0x13];
        }

        var answer = new List<byte> { 0x62 };
        for (var i = 0; i < args.Length; i += 2)
        {
            var did = (args[i] << 8) | args[i + 1];
            byte[]? data = did switch
            {
                0xF190 => Encoding.ASCII.GetBytes(_vehicle.Vin),
                0xF18C => Encoding.ASCII.GetBytes(SerialNumber),
                0xF187 => Encoding.ASCII.GetBytes(PartNumber),
                0xF186 => [_vehicle.SessionOf(Role)],
                _ => null,
            };
            if (data is null)
            {
                return [0x7F, 0x22, 0x31];
            }

            answer.Add(args[i]);
            answer.Add(args[i + 1]);
            answer.AddRange(data);
        }

        return [.. answer];
    }

    /// <summary>ISO 14229-1 0x19 sub-functions 01 (count by status mask) and 02 (report by status mask).</summary>
    private byte[] ReadDtcInformation(ReadOnlySpan<byte> args)
    {
        const byte availability = 0xAF; // bits 0-3, 5 and 7 (warningIndicatorRequested) are reported
        if (args.Length == 0)
        {
            return [0x7F, 0x19, 0x13];
        }

        if (args[0] is not (0x01 or 0x02))
        {
            return [0x7F, 0x19, 0x12];
        }

        if (args.Length != 2)
        {
            return [0x7F, 0x19, 0x13];
        }

        var mask = args[1];
        var matches = StatusByCode().Where(x => (x.Status & mask & availability) != 0).ToList();
        if (args[0] == 0x01)
        {
            // Format identifier 0x01: ISO 14229-1 DTC format.
            return [0x59, 0x01, availability, 0x01, (byte)(matches.Count >> 8), (byte)matches.Count];
        }

        var answer = new List<byte> { 0x59, 0x02, availability };
        foreach (var (code, status) in matches)
        {
            answer.AddRange(DtcBytes(code));
            answer.Add(0x00); // failure type byte: no sub-type
            answer.Add(status);
        }

        return [.. answer];
    }

    /// <summary>Status bits (ISO 14229-1 D.2): 0x01 testFailed, 0x02 thisCycle, 0x04 pending, 0x08 confirmed, 0x20 sinceClear, 0x80 MIL.</summary>
    private IEnumerable<(string Code, byte Status)> StatusByCode()
    {
        var stored = _vehicle.Dtcs(Role, DtcKind.Stored);
        var pending = _vehicle.Dtcs(Role, DtcKind.Pending);
        var mil = Role == EcuRole.Engine && _vehicle.MilOn;
        foreach (var code in stored)
        {
            yield return (code, (byte)(0x0B | 0x20 | (mil ? 0x80 : 0)));
        }

        foreach (var code in pending.Except(stored))
        {
            yield return (code, 0x27);
        }
    }

    /// <summary>SAE J1979 / J2012 two-byte DTC: 2 bits system (P, C, B, U), 2 bits first digit, then three hex digits.</summary>
    internal static byte[] DtcBytes(string code)
    {
        var system = "PCBU".IndexOf(code[0], StringComparison.Ordinal);
        var digits = Convert.FromHexString(code.AsSpan(1, 4));
        return [(byte)((system << 6) | digits[0]), digits[1]];
    }

    /// <summary>SAE J1979 supported-PID bitmap for PIDs base+1..base+0x20; the last bit says the next range has some.</summary>
    internal static byte[] Bitmap(byte @base, IEnumerable<byte> supported)
    {
        uint bits = 0;
        foreach (var id in supported)
        {
            var offset = id - @base;
            if (offset is >= 1 and <= 0x20)
            {
                bits |= 1u << (32 - offset);
            }
            else if (offset > 0x20)
            {
                bits |= 1;
            }
        }

        return [(byte)(bits >> 24), (byte)(bits >> 16), (byte)(bits >> 8), (byte)bits];
    }

    private byte[]? Encode01(byte pid, LiveSample s, ICollection<byte> supported)
    {
        if (pid % 0x20 == 0 && pid <= 0xE0)
        {
            var bitmap = Bitmap(pid, supported);
            // A range is answered when the previous range's last bit announced it.
            return pid == 0 || supported.Any(p => p > pid) ? bitmap : null;
        }

        if (!supported.Contains(pid))
        {
            return null;
        }

        static byte Pct(double p) => (byte)Math.Clamp(Math.Round(p * 255 / 100), 0, 255);
        static byte Temp(double c) => (byte)Math.Clamp(Math.Round(c + 40), 0, 255);
        static byte Trim(double p) => (byte)Math.Clamp(Math.Round((p * 128 / 100) + 128), 0, 255);
        static byte[] Word(double v)
        {
            var w = (int)Math.Clamp(Math.Round(v), 0, 0xFFFF);
            return [(byte)(w >> 8), (byte)w];
        }

        return pid switch
        {
            0x01 => MonitorStatus(),
            0x03 => [s.ClosedLoop ? (byte)0x02 : (byte)0x01, 0x00], // fuel system 1 closed/open loop, no system 2
            0x04 => [Pct(s.LoadPercent)],
            0x05 => [Temp(s.CoolantC)],
            0x06 => [Trim(s.ShortTrimBank1)],
            0x07 => [Trim(s.LongTrimBank1)],
            0x08 => [Trim(s.ShortTrimBank2)],
            0x09 => [Trim(s.LongTrimBank2)],
            0x0B => [(byte)Math.Clamp(Math.Round(s.MapKpa), 0, 255)],
            0x0C => Word(s.Rpm * 4), // (256A+B)/4 rpm
            0x0D => [(byte)Math.Clamp(Math.Round(s.SpeedKmh), 0, 255)],
            0x0E => [(byte)Math.Clamp(Math.Round((s.TimingAdvanceDeg + 64) * 2), 0, 255)], // A/2 - 64 degrees
            0x0F => [Temp(s.IntakeC)],
            0x10 => Word(s.MafGramsPerSecond * 100), // (256A+B)/100 g/s
            0x11 => [Pct(s.ThrottlePercent)],
            0x13 => [0x33], // O2 sensors present: bank 1 and bank 2, sensors 1 and 2
            0x14 => [(byte)Math.Round(s.O2Bank1Sensor1Volts * 200), Trim(s.ShortTrimBank1)], // A/200 V, B trim
            0x15 => [(byte)Math.Round(s.O2Bank1Sensor2Volts * 200), 0xFF], // 0xFF: sensor not used for trim
            0x18 => [(byte)Math.Round(s.O2Bank2Sensor1Volts * 200), Trim(s.ShortTrimBank2)],
            0x19 => [(byte)Math.Round(s.O2Bank2Sensor2Volts * 200), 0xFF],
            0x1C => [0x01], // OBD-II as defined by CARB
            0x1F => Word(s.ElapsedSeconds),
            0x21 => Word(_vehicle.MilOn ? 120 : 0),
            0x2F => [Pct(s.FuelLevelPercent)],
            0x30 => [(byte)Math.Min(255, _vehicle.SecondsSinceClear / 1800)],
            0x31 => Word(_vehicle.KmSinceClear),
            0x33 => [101],
            0x42 => Word(s.ModuleVolts * 1000), // (256A+B)/1000 V
            0x46 => [Temp(s.AmbientC)],
            0x49 => [Pct(s.PedalPercent)],
            0x4D => Word(_vehicle.MilOn ? 95 : 0),
            0x4E => Word(_vehicle.SecondsSinceClear / 60),
            0x5C => [Temp(s.OilC)],
            0x62 => [(byte)Math.Clamp(Math.Round(s.TorquePercent + 125), 0, 255)], // A-125 %
            0x63 => Word(320), // reference torque, Nm
            0xA6 => Odometer(SimulatedVehicle.OdometerAtStartKm + s.DistanceKm),
            _ => null,
        };
    }

    private static byte[] Odometer(double km)
    {
        var tenths = (uint)Math.Round(km * 10); // SAE J1979 PID A6: 0.1 km per bit
        return [(byte)(tenths >> 24), (byte)(tenths >> 16), (byte)(tenths >> 8), (byte)tenths];
    }

    /// <summary>
    /// SAE J1979 PID 01: A = MIL (bit 7) and stored-code count; B bit 3 = 0 for spark ignition, bits 0-2 continuous
    /// monitors supported (misfire, fuel, components), bits 4-6 their not-complete flags; C supported and D not-complete
    /// for catalyst (0x01), evaporative system (0x04), O2 sensor (0x20), O2 heater (0x40) and EGR (0x80).
    /// </summary>
    private byte[] MonitorStatus()
    {
        var count = Math.Min(0x7F, _vehicle.Dtcs(Role, DtcKind.Stored).Count);
        if (Role != EcuRole.Engine)
        {
            return [(byte)count, 0x00, 0x00, 0x00];
        }

        const byte nonContinuous = 0x01 | 0x04 | 0x20 | 0x40 | 0x80;
        var a = (byte)((_vehicle.MilOn ? 0x80 : 0) | count);
        var d = _vehicle.ReadinessComplete ? (byte)0x00 : nonContinuous;
        return [a, 0x07, nonContinuous, d];
    }

    private static byte[] Padded(string text, int length)
    {
        var bytes = new byte[length];
        Encoding.ASCII.GetBytes(text.AsSpan(0, Math.Min(text.Length, length)), bytes);
        return bytes;
    }
}
