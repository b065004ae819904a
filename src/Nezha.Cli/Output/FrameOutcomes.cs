using Nezha.Common.Registers;
using Nezha.Verify.Model;

namespace Nezha.Cli.Output;

/// <summary>What the card did with one input frame, in words, from the golden model's verdict.</summary>
public static class FrameOutcomes
{
    public const string ArpReply = "answered: ARP reply";
    public const string NewFlow = "forwarded (new flow)";
    public const string SessionHit = "forwarded (session hit)";
    public const string Consumed = "consumed: probe reply from a group member";
    public const string ContextPacket = "offload: probe reply or redirect to an FE";

    /// <param name="port">the input port (0 net, 1 host).</param>
    public static string Of(int port, ModelVerdict v)
    {
        if (v.Drop != DropReason.None) return $"dropped: {v.Drop}";
        if (v.Exception != ExceptionReason.None) return $"exception to host software: {v.Exception}";
        if (v.Output is not { } o) return Consumed;
        if (v.SessionHit) return SessionHit;
        if (v.SlowPath) return NewFlow;
        // neither the session table nor the slow path was asked: the ARP responder answers a VM, the offload
        // block answers probes and redirects a back end's new flows
        return port == ModelFrame.Host && o.Port == ModelFrame.Host ? ArpReply : ContextPacket;
    }
}
