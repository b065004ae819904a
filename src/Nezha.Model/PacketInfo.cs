namespace Nezha.Verify.Model;

/// <summary>
/// Fields the parser extracts from one frame (plain frame, or the inner frame of a tunnel). Plain mutable
/// struct, reused for every frame so the hot path does not allocate.
/// </summary>
internal struct PacketInfo
{
    /// <summary>Frame length in bytes.</summary>
    public int Len;

    // Ethernet of the plain / inner frame.
    public int EthOff;
    public ulong EthDst;
    public ulong EthSrc;
    public ushort EtherType;   // after an optional 802.1Q tag

    /// <summary>Offset of the plain/inner IPv4 (or ARP) header.</summary>
    public int L3Off;

    // IPv4 of the plain / inner frame.
    public int IpEnd;          // l3off + total_length
    public int L4Off;
    public byte Proto;
    public uint Sip;
    public uint Dip;
    public bool Frag;
    public byte Tos;           // type-of-service byte (DSCP and ECN)
    /// <summary>The frame's ECN e of datapath-spec 4.7 (host: the IP header's; net: outer and inner combined).</summary>
    public int Ecn;

    // L4 (non-fragments only).
    public ushort Sport;       // TCP/UDP ports as on the wire (0 otherwise)
    public ushort Dport;
    public ushort KeySport;    // key ports: TCP/UDP ports; ICMP echo: id,id; else 0,0
    public ushort KeyDport;
    public byte TcpFlags;      // 0 unless TCP

    // Tunnel (net port).
    public bool Tunnel;
    public bool Geneve;        // the tunnel is Geneve (UDP 6081), else VXLAN
    public uint Vni;
    public uint OuterSip;
    public int OuterEcn;         // ECN field of the outer IPv4 header
    public int UdpEnd;           // l4off + outer UDP length: END of the tunnel header and the inner frame
    public ushort OuterUdpSport; // outer UDP source port
    public int GeneveOptOff;     // Geneve: offset of the option area
    public int GeneveOptWords;   // Geneve: option length in 4-byte words

    // ARP (host port).
    public ushort ArpOp;
    public ulong ArpSha;
    public uint ArpSpa;
    public uint ArpTpa;

    public void Clear() => this = default;
}
