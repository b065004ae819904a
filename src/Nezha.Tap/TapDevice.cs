using System.Text.RegularExpressions;

namespace Nezha.Verify.Tap;

/// <summary>A TAP device could not be created, configured or used; the message names the device.</summary>
public sealed class TapException(string message) : IOException(message);

/// <summary>
/// A Linux TAP device (Ethernet frames, no packet-information header) opened on /dev/net/tun in
/// non-blocking mode. The device is not persistent: it exists while this object's file descriptor is open and
/// vanishes when it is closed, also after it was moved into another network namespace.
/// </summary>
public sealed unsafe partial class TapDevice : IDisposable
{
    public const string CloneDevice = "/dev/net/tun";
    private int _fd;

    private TapDevice(string name, int fd)
    {
        Name = name;
        _fd = fd;
    }

    /// <summary>The interface name (what <c>ip link</c> shows).</summary>
    public string Name { get; }

    /// <summary>The file descriptor (for poll), -1 after <see cref="Dispose"/>.</summary>
    public int Fd => _fd;

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,15}$")]
    private static partial Regex NameRegex();

    /// <summary>Whether <paramref name="name"/> is a usable Linux interface name (1..15 of [A-Za-z0-9_.-]).</summary>
    public static bool IsValidName(string name) => NameRegex().IsMatch(name) && name != "." && name != "..";

    /// <summary>Whether an interface of that name exists in this process's network namespace.</summary>
    public static bool Exists(string name) => Directory.Exists(Path.Combine("/sys/class/net", name));

    /// <summary>Whether this process may create TAP devices (opens and closes /dev/net/tun; creates nothing).</summary>
    /// <exception cref="TapException">no /dev/net/tun, or no permission.</exception>
    public static void CheckAccess()
    {
        int fd = Libc.Open(CloneDevice, Libc.O_RDWR | Libc.O_CLOEXEC);
        if (fd < 0) throw OpenError(Libc.Errno);
        Libc.Close(fd);
    }

    private static TapException OpenError(int e) => new(e is Libc.EACCES or Libc.EPERM
        ? $"{CloneDevice}: permission denied (TAP devices need root or CAP_NET_ADMIN)"
        : $"{CloneDevice}: cannot open: {Libc.ErrorText(e)}");

    /// <summary>Creates the TAP device <paramref name="name"/>; it must not exist yet.</summary>
    /// <exception cref="TapException">no permission, no /dev/net/tun, or the name is taken.</exception>
    public static TapDevice Create(string name)
    {
        if (!IsValidName(name)) throw new TapException($"{name}: not a valid interface name");
        // TUNSETIFF on the name of an existing persistent TAP would attach to it (and it would outlive us)
        if (Exists(name)) throw new TapException($"{name}: an interface with this name already exists");
        int fd = Libc.Open(CloneDevice, Libc.O_RDWR | Libc.O_NONBLOCK | Libc.O_CLOEXEC);
        if (fd < 0) throw OpenError(Libc.Errno);
        var req = new Libc.IfReq();
        Libc.SetName(ref req, name);
        req.Flags = Libc.IFF_TAP | Libc.IFF_NO_PI;
        if (Libc.Ioctl(fd, Libc.TUNSETIFF, &req) < 0)
        {
            int e = Libc.Errno;
            Libc.Close(fd);
            throw new TapException(e is Libc.EPERM or Libc.EACCES
                ? $"{name}: cannot create the TAP device: permission denied (needs root or CAP_NET_ADMIN)"
                : $"{name}: cannot create the TAP device: {Libc.ErrorText(e)}");
        }
        string actual = Libc.GetName(ref req);
        return new TapDevice(actual, fd);
    }

    /// <summary>
    /// Sets the MAC address and MTU (either may be null to keep it), optionally turns IPv6 off on the device
    /// (best effort: the kernel then sends no router solicitations or MLD reports on it; the setting lasts
    /// until the device moves to another namespace) and brings the link up or leaves it down.
    /// </summary>
    public void Configure(ulong? mac, int? mtu, bool up, bool disableIpv6 = false)
    {
        if (disableIpv6)
        {
            try
            {
                File.WriteAllText($"/proc/sys/net/ipv6/conf/{Name}/disable_ipv6", "1");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // no IPv6 in this kernel, or read-only /proc/sys: nothing to silence or nothing we can do
            }
        }
        int s = Libc.Socket(Libc.AF_INET, Libc.SOCK_DGRAM, 0);
        if (s < 0) throw new TapException($"{Name}: socket(): {Libc.ErrorText(Libc.Errno)}");
        try
        {
            var req = new Libc.IfReq();
            if (mac is { } m)
            {
                Libc.SetName(ref req, Name);
                req.HwFamily = Libc.ARPHRD_ETHER;
                for (int i = 0; i < 6; i++) req.HwAddr[i] = (byte)(m >> (40 - 8 * i));
                Check(Libc.Ioctl(s, Libc.SIOCSIFHWADDR, &req), "set the MAC address");
            }
            if (mtu is { } u)
            {
                req = new Libc.IfReq();
                Libc.SetName(ref req, Name);
                req.Mtu = u;
                Check(Libc.Ioctl(s, Libc.SIOCSIFMTU, &req), $"set the MTU to {u}");
            }
            if (up)
            {
                req = new Libc.IfReq();
                Libc.SetName(ref req, Name);
                Check(Libc.Ioctl(s, Libc.SIOCGIFFLAGS, &req), "read the flags");
                req.Flags |= Libc.IFF_UP;
                Check(Libc.Ioctl(s, Libc.SIOCSIFFLAGS, &req), "bring the link up");
            }
        }
        finally
        {
            Libc.Close(s);
        }
    }

    private void Check(int r, string what)
    {
        if (r < 0) throw new TapException($"{Name}: cannot {what}: {Libc.ErrorText(Libc.Errno)}");
    }

    /// <summary>Reads one frame. Returns its length, 0 when none is waiting (EAGAIN).</summary>
    /// <exception cref="TapException">the device is gone or unusable (errno in the message).</exception>
    public int Read(Span<byte> buffer)
    {
        while (true)
        {
            nint n;
            fixed (byte* p = buffer) n = Libc.Read(Fd, p, (nuint)buffer.Length);
            if (n >= 0) return (int)n;
            int e = Libc.Errno;
            if (e == Libc.EINTR) continue;
            if (e == Libc.EAGAIN) return 0;
            throw new TapException($"{Name}: read: {Libc.ErrorText(e)}");
        }
    }

    /// <summary>Writes one frame; returns 0 on success, else the errno (EIO while the link is down, ...).</summary>
    public int Write(ReadOnlySpan<byte> frame)
    {
        while (true)
        {
            nint n;
            fixed (byte* p = frame) n = Libc.Write(Fd, p, (nuint)frame.Length);
            if (n >= 0) return 0;
            int e = Libc.Errno;
            if (e != Libc.EINTR) return e;
        }
    }

    /// <summary>
    /// The device's name now (TUNGETIFF): it keeps its name when moved into another namespace, unless renamed
    /// there. Null if the descriptor no longer has a device.
    /// </summary>
    public string? CurrentName()
    {
        var req = new Libc.IfReq();
        return Libc.Ioctl(Fd, Libc.TUNGETIFF, &req) == 0 ? Libc.GetName(ref req) : null;
    }

    /// <summary>A descriptor of the network namespace the device is in now (TUNGETDEVNETNS), to close; -1 if none.</summary>
    public int OpenNetworkNamespace() => Fd < 0 ? -1 : Libc.Ioctl(Fd, Libc.TUNGETDEVNETNS, null);

    /// <summary>Closes the descriptor; the kernel removes the device.</summary>
    public void Dispose()
    {
        int fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0) Libc.Close(fd);
    }

    public override string ToString() => Name;
}
