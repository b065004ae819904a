#!/usr/bin/env python3
"""Endpoints for the TAP interop tests; each runs inside a network namespace (ip netns exec NS python3 -u ...).

server ADDR PORT TIMEOUT            accept one connection, read to EOF, answer "<bytes> <sha256>" and print it
client ADDR PORT SIZE SEED TIMEOUT  send SIZE pseudo-random bytes (seeded), half-close, print
                                    "<bytes> <sha256> <server's answer>"
TIMEOUT is in seconds and bounds every wait for progress (a connect, a 64 KiB send, a receive), not a whole transfer.
probe ADDR PORT TIMEOUT             try to connect; print "connected", "timeout" or "refused"
flood ADDR PORT COUNT SIZE          send COUNT UDP datagrams of SIZE bytes as fast as the socket takes them (faster than
                                    the simulated card): print "sent <datagrams the socket accepted>"
geneve DEV VNI LOCAL REMOTE         userspace Geneve tunnel endpoint: a TAP device DEV <-> UDP 6081 (for kernels
                                    built without the geneve device); prints "ready", runs until killed

Servers print "listening" once they accept connections. Exit status 0 on success, 1 on a timeout or error.
"""
import fcntl
import hashlib
import os
import random
import select
import socket
import struct
import sys


def server(addr, port, timeout):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(4)
    s.settimeout(timeout)
    print("listening", flush=True)
    c, _ = s.accept()
    c.settimeout(timeout)
    h = hashlib.sha256()
    n = 0
    while True:
        d = c.recv(1 << 16)
        if not d:
            break
        h.update(d)
        n += len(d)
    answer = f"{n} {h.hexdigest()}"
    c.sendall((answer + "\n").encode())
    c.close()
    print(answer, flush=True)


def client(addr, port, size, seed, timeout):
    data = random.Random(seed).randbytes(size)
    c = socket.create_connection((addr, port), timeout=timeout)
    # chunks: Python bounds a whole sendall() by the timeout, and the timeout is meant as "no progress for
    # TIMEOUT seconds" (a slow simulator build, e.g. the coverage flavour, takes minutes for SIZE bytes)
    view = memoryview(data)
    for at in range(0, size, 1 << 16):
        c.sendall(view[at:at + (1 << 16)])
    c.shutdown(socket.SHUT_WR)
    reply = b""
    while True:
        d = c.recv(4096)
        if not d:
            break
        reply += d
    c.close()
    print(f"{size} {hashlib.sha256(data).hexdigest()} {reply.decode().strip()}", flush=True)


def probe(addr, port, timeout):
    try:
        socket.create_connection((addr, port), timeout=timeout).close()
        print("connected", flush=True)
    except socket.timeout:
        print("timeout", flush=True)
    except ConnectionRefusedError:
        print("refused", flush=True)


def flood(addr, port, count, size):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    payload = bytes(size)
    sent = 0
    for _ in range(count):
        try:
            s.sendto(payload, (addr, port))
            sent += 1
        except (BlockingIOError, ConnectionRefusedError, OSError):
            pass  # ENOBUFS from a full queue, or an ICMP error reported on the socket: not sent this time
    print(f"sent {sent}", flush=True)


def geneve(dev, vni, local, remote):
    tun = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(tun, 0x400454CA, struct.pack("16sH22x", dev.encode(), 0x0002 | 0x1000))  # TUNSETIFF, IFF_TAP|IFF_NO_PI
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind((local, 6081))
    header = struct.pack("!BBHI", 0, 0, 0x6558, vni << 8)  # version 0, no options, Ethernet, VNI
    print("ready", flush=True)
    while True:
        ready, _, _ = select.select([tun, u], [], [])
        if tun in ready:
            u.sendto(header + os.read(tun, 1 << 16), (remote, 6081))
        if u in ready:
            d, _ = u.recvfrom(1 << 16)
            if len(d) < 8 or d[0] >> 6 != 0 or d[1] & 0x40 or d[2:4] != b"\x65\x58":
                continue
            if int.from_bytes(d[4:7], "big") != vni:
                continue
            os.write(tun, d[8 + 4 * (d[0] & 0x3F):])


def main(argv):
    mode, args = argv[1], argv[2:]
    try:
        if mode == "server":
            server(args[0], int(args[1]), float(args[2]))
        elif mode == "client":
            client(args[0], int(args[1]), int(args[2]), int(args[3]), float(args[4]))
        elif mode == "probe":
            probe(args[0], int(args[1]), float(args[2]))
        elif mode == "flood":
            flood(args[0], int(args[1]), int(args[2]), int(args[3]))
        elif mode == "geneve":
            geneve(args[0], int(args[1]), args[2], args[3])
        else:
            raise SystemExit(f"unknown mode {mode}")
    except (OSError, socket.timeout) as e:
        print(f"error: {e}", file=sys.stderr, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
