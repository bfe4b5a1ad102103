using Pitlane.Obd;
using Pitlane.Obd.Elm;

namespace Pitlane.Modules.Diagnostics;

/// <summary>
/// What a scan or a code clearing says when its adapter fails: one fixed sentence per kind of failure, never the text of
/// the exception. Those messages quote what the peer sent ("adapter answered 'SSH-2.0-...' to ATZ"), and the peer of a
/// tcp:// adapter is whatever listens at the address someone registered: echoing it would let any member read other
/// services' replies through scan errors. The exception itself goes to the server log for the operator.
/// </summary>
internal static class AdapterFailures
{
    public static string Describe(string adapterName, Exception failure) => failure switch
    {
        ElmErrorException { Error: ElmError.UnableToConnect or ElmError.BusInitError }
            => $"The adapter '{adapterName}' could not talk to the car. Check that the ignition is on and the adapter is plugged in firmly.",
        ElmErrorException { Error: ElmError.NoData } => $"The car did not answer through the adapter '{adapterName}'. Check that the ignition is on.",
        ElmErrorException { Error: ElmError.LowPowerAlert or ElmError.LvReset }
            => $"The adapter '{adapterName}' lost power or reset during the check.",
        ElmErrorException => $"The adapter '{adapterName}' reported a fault on the car's diagnostic connection.",
        UdsNegativeResponseException => "A control unit of the car refused a request of the check.",
        ObdTimeoutException => $"The adapter '{adapterName}' stopped answering.",
        ObdTransportException => $"The connection to the adapter '{adapterName}' could not be opened or was lost.",
        ObdAnswerTooLargeException or ObdMalformedAnswerException
            => $"The adapter '{adapterName}' sent answers that could not be read. Is it a car diagnostic (ELM327) adapter?",
        ObdException => $"The adapter '{adapterName}' failed.",
        _ => $"The adapter '{adapterName}' could not be reached.",
    };
}
