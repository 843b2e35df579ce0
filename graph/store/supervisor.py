"""The parent's side of a supervised sandbox: let a worker connect only where the allow-list says.

A worker confined with `sandbox.confine(supervised=True)` has each `connect`, addressed
`sendto` and `sendmsg`/`sendmmsg` held by the kernel until the Supervisor answers it from the
worker's user-notification listener: the destination is read from /proc/<pid>/mem, checked
against the (address, port) pairs the allow-list resolved to, and the call goes on
(SECCOMP_USER_NOTIF_FLAG_CONTINUE) or fails with EACCES. The notification id is checked again
after reading, so a reused pid is never answered with another process's memory.
"""

from __future__ import annotations

import errno
import ipaddress
import os
import select
import socket
import struct
import threading
import urllib.parse
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from fcntl import ioctl
from pathlib import Path

from graph.store.sandbox import abi

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Destination = tuple[IpAddress, int]

_NOTIF_RECV, _NOTIF_SEND, _NOTIF_ID_VALID = 0xC0502100, 0xC0182101, 0x40082102
_FLAG_CONTINUE = 1


def nameservers(resolv_conf: Path = Path("/etc/resolv.conf")) -> set[IpAddress]:
    """The name servers the resolver in the worker will ask."""
    found: set[IpAddress] = set()
    try:
        lines = resolv_conf.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return found
    for line in lines:
        parts = line.split()
        if len(parts) >= 2 and parts[0] == "nameserver":
            try:
                found.add(ipaddress.ip_address(parts[1].split("%")[0]))
            except ValueError:
                continue
    return found


def destinations(allow: Iterable[str]) -> frozenset[Destination]:
    """(address, port) pairs the allow-list's IRI prefixes name, resolved now, once.

    Hosts are resolved by the parent (which is not confined); when a prefix names a host
    rather than an address, the name servers are allowed on port 53 so the worker can resolve
    it too. A prefix that is not http(s) or does not resolve adds nothing (fail closed).
    """
    found: set[Destination] = set()
    names = False
    for prefix in allow:
        parts = urllib.parse.urlsplit(prefix)
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            continue
        try:
            port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
        except ValueError:
            continue
        try:
            found.add((_normal(ipaddress.ip_address(parts.hostname)), port))
            continue
        except ValueError:
            names = True
        try:
            infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
        except OSError:
            continue
        for info in infos:
            found.add((_normal(ipaddress.ip_address(str(info[4][0]).split("%")[0])), port))
    if names:
        found |= {(server, 53) for server in nameservers()}
    return frozenset(found)


def _normal(address: IpAddress) -> IpAddress:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def parse_sockaddr(data: bytes) -> Destination | str | None:
    """(address, port) of an AF_INET/AF_INET6 sockaddr; "unspec" for AF_UNSPEC; else None."""
    if len(data) < 2:
        return None
    family = struct.unpack("=H", data[:2])[0]
    if family == socket.AF_UNSPEC:
        return "unspec"  # dissolves a datagram socket's association: reaches nothing
    if family == socket.AF_INET and len(data) >= 8:
        port = struct.unpack("!H", data[2:4])[0]
        return ipaddress.IPv4Address(data[4:8]), port
    if family == socket.AF_INET6 and len(data) >= 24:
        port = struct.unpack("!H", data[2:4])[0]
        return _normal(ipaddress.IPv6Address(data[8:24])), port
    return None


@dataclass
class Supervisor:
    """Answers one worker's held network calls from its listener, in a daemon thread."""

    listener: int
    allowed: Collection[Destination]
    seen: list[tuple[Destination | str | None, bool]] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def start(self) -> Supervisor:
        threading.Thread(target=self._run, name="zonegraph-sandbox", daemon=True).start()
        return self

    def stop(self) -> None:
        """Ask the thread to finish; it closes the listener itself (no descriptor reuse race)."""
        self._stop.set()

    def _run(self) -> None:
        poller = select.poll()
        poller.register(self.listener, select.POLLIN)
        try:
            while not self._stop.is_set():
                events = poller.poll(250)
                if any(
                    mask & (select.POLLHUP | select.POLLERR | select.POLLNVAL) for _, mask in events
                ):
                    return
                if events:
                    self._answer_one()
        finally:
            os.close(self.listener)

    def _answer_one(self) -> None:
        notif = bytearray(80)
        try:
            ioctl(self.listener, _NOTIF_RECV, notif)
        except OSError:
            return  # the caller died or was interrupted before we looked
        ident, pid = struct.unpack_from("=QI", notif, 0)
        nr = struct.unpack_from("=i", notif, 16)[0]
        args = struct.unpack_from("=6Q", notif, 32)
        allowed = False
        target: Destination | str | None = None
        try:
            with open(f"/proc/{pid}/mem", "rb", buffering=0) as mem:
                targets = list(self._targets(mem.fileno(), nr, args))
            if self._valid(ident):
                target = targets[0] if targets else None
                allowed = bool(targets) and all(self._permitted(t) for t in targets)
        except OSError:
            allowed = False
        self.seen.append((target, allowed))
        response = struct.pack(
            "=QqiI", ident, 0, 0 if allowed else -errno.EACCES, _FLAG_CONTINUE if allowed else 0
        )
        try:
            ioctl(self.listener, _NOTIF_SEND, response)
        except OSError:
            pass  # the caller went away meanwhile

    def _valid(self, ident: int) -> bool:
        try:
            ioctl(self.listener, _NOTIF_ID_VALID, struct.pack("=Q", ident))
        except OSError:
            return False
        return True

    def _permitted(self, target: Destination | str | None) -> bool:
        return target == "unspec" or (target is not None and target in self.allowed)

    def _targets(
        self, mem: int, nr: int, args: tuple[int, ...]
    ) -> Iterable[Destination | str | None]:
        calls = {**abi().calls}
        if nr == calls["connect"]:
            yield parse_sockaddr(_read(mem, args[1], args[2]))
        elif nr == calls["sendto"]:
            yield parse_sockaddr(_read(mem, args[4], args[5]))
        elif nr == calls["sendmsg"]:
            yield from _message_targets(mem, args[1], 1, 56)
        elif nr == calls["sendmmsg"]:
            yield from _message_targets(mem, args[1], min(args[2], 1024), 64)
        else:
            yield None


def _read(mem: int, address: int, length: int) -> bytes:
    length = min(int(length) & 0xFFFFFFFF, 128)
    return os.pread(mem, length, address) if address and length else b""


def _message_targets(
    mem: int, address: int, count: int, stride: int
) -> Iterable[Destination | str | None]:
    """Each msghdr's msg_name; an unaddressed message goes where its socket is connected."""
    for i in range(count):
        header = os.pread(mem, 16, address + i * stride)
        name, length = struct.unpack("=QI", header[:12])
        if name and length:
            yield parse_sockaddr(_read(mem, name, length))
        else:
            yield "unspec"
