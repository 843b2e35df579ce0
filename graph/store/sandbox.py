"""Confine a query-evaluating process so that it cannot reach the network on its own.

Oxigraph opens a connection for SERVICE (and would for LOAD), and no reading of the query text
can promise to see every spelling the way Oxigraph does (issue 11). So the wall is built where
text cannot reach it: a seccomp-BPF filter, installed by the evaluating process itself, makes
the kernel refuse the system calls that would open or address a network socket.

Two policies:
- offline (no allow-list): `socket()` of any family but AF_UNIX fails with EACCES, as do
  `connect()`, `sendto()` with an address, and `sendmsg`/`sendmmsg` on any descriptor but the
  link to the parent; io_uring (which can open and connect sockets without those calls),
  `pidfd_getfd` and `ptrace` (which could borrow the parent's sockets) are refused too.
- supervised (ZONEGRAPH_ALLOW_REMOTE set): AF_INET/AF_INET6 sockets may be created, but every
  `connect`, addressed `sendto` and `sendmsg`/`sendmmsg` is held by the kernel and shown to a
  supervisor thread in the parent (SECCOMP_RET_USER_NOTIF), which reads the destination from
  /proc/<pid>/mem and lets the call go on only for an allow-listed (address, port) pair, or a
  name server of /etc/resolv.conf on port 53 when the allow-list names hosts.

A foreign system-call ABI (i386 or x32 on x86-64) kills the process. Installing needs no
privilege (PR_SET_NO_NEW_PRIVS), so non-root deployments get the same wall. If the filter
cannot be installed, `confine` raises and the caller must refuse to serve: never unconfined.

What it does not cover: the supervisor reads the destination while the caller is stopped, but a
second thread could rewrite that memory before the kernel copies it (seccomp's known time-of-
check race). That matters only to code running inside the worker; a query cannot do it.
"""

from __future__ import annotations

import ctypes
import errno
import ipaddress
import os
import platform
import select
import socket
import struct
import threading
import traceback
import urllib.parse
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from fcntl import ioctl
from pathlib import Path
from typing import Any, TypeVar

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Destination = tuple[IpAddress, int]
T = TypeVar("T")


class SandboxError(Exception):
    """The network wall cannot be built here; the process must not evaluate queries."""


@dataclass(frozen=True)
class _Abi:
    audit_arch: int
    seccomp: int
    calls: dict[str, int]
    x32: bool = False


_ABIS = {
    "x86_64": _Abi(
        0xC000003E,
        317,
        {
            "socket": 41,
            "connect": 42,
            "sendto": 44,
            "sendmsg": 46,
            "socketpair": 53,
            "ptrace": 101,
            "sendmmsg": 307,
        },
        x32=True,
    ),
    "aarch64": _Abi(
        0xC00000B7,
        277,
        {
            "socket": 198,
            "socketpair": 199,
            "connect": 203,
            "sendto": 206,
            "sendmsg": 211,
            "ptrace": 117,
            "sendmmsg": 269,
        },
    ),
}
# Numbered alike on every architecture (the unified table since Linux 5.1).
_COMMON = {
    "io_uring_setup": 425,
    "io_uring_enter": 426,
    "io_uring_register": 427,
    "pidfd_getfd": 438,
}

_RET_KILL_PROCESS = 0x80000000
_RET_USER_NOTIF = 0x7FC00000
_RET_ALLOW = 0x7FFF0000
_RET_EACCES = 0x00050000 | errno.EACCES
_RET_EPERM = 0x00050000 | errno.EPERM
_LD_ABS, _JEQ, _JGE, _RET = 0x20, 0x15, 0x35, 0x06  # BPF_LD|W|ABS, JMP|JEQ|K, JMP|JGE|K, RET|K
_NR, _ARCH = 0, 4  # offsets in struct seccomp_data; args[i] start at 16 + 8 * i

_PR_SET_NO_NEW_PRIVS = 38
_SET_MODE_FILTER = 1
_FLAG_TSYNC, _FLAG_NEW_LISTENER, _FLAG_TSYNC_ESRCH = 1, 8, 16
_NOTIF_RECV, _NOTIF_SEND, _NOTIF_ID_VALID = 0xC0502100, 0xC0182101, 0x40082102
_FLAG_CONTINUE = 1


def _arg(i: int, high: bool = False) -> int:
    """Offset of the low (or high) 32 bits of system-call argument i (little-endian ABIs)."""
    return 16 + 8 * i + (4 if high else 0)


class _Program:
    """A BPF program written with labels, so that jump offsets are computed, not counted."""

    def __init__(self) -> None:
        self.code: list[tuple[int, str | int, str | int, int]] = []
        self.labels: dict[str, int] = {}

    def load(self, offset: int) -> None:
        self.code.append((_LD_ABS, 0, 0, offset))

    def jump(self, op: int, value: int, then: str | int = 0, other: str | int = 0) -> None:
        self.code.append((op, then, other, value))

    def ret(self, value: int) -> None:
        self.code.append((_RET, 0, 0, value))

    def label(self, name: str) -> None:
        self.labels[name] = len(self.code)

    def assemble(self) -> bytes:
        out = bytearray()
        for index, (op, then, other, k) in enumerate(self.code):
            jt = then if isinstance(then, int) else self.labels[then] - index - 1
            jf = other if isinstance(other, int) else self.labels[other] - index - 1
            if not (0 <= jt < 256 and 0 <= jf < 256):
                raise SandboxError("seccomp program jump out of range")
            out += struct.pack("=HBBI", op, jt, jf, k)
        return bytes(out)


def _abi() -> _Abi:
    abi = _ABIS.get(platform.machine())
    if abi is None:
        raise SandboxError(f"no network sandbox for the {platform.machine()} architecture")
    return abi


def filter_program(supervised: bool, link_fd: int | None) -> bytes:
    """The seccomp program for one policy (see the module docstring)."""
    abi = _abi()
    calls = {**abi.calls, **_COMMON}
    denied = _RET_USER_NOTIF if supervised else _RET_EACCES
    p = _Program()
    p.load(_ARCH)
    p.jump(_JEQ, abi.audit_arch, 1, 0)
    p.ret(_RET_KILL_PROCESS)
    p.load(_NR)
    if abi.x32:
        p.jump(_JGE, 0x40000000, "eacces", 0)
    p.jump(_JEQ, calls["socket"], "socket", 0)
    p.jump(_JEQ, calls["socketpair"], "socketpair", 0)
    p.jump(_JEQ, calls["connect"], "connect", 0)
    p.jump(_JEQ, calls["sendto"], "sendto", 0)
    p.jump(_JEQ, calls["sendmsg"], "sendmsg", 0)
    p.jump(_JEQ, calls["sendmmsg"], "sendmsg", 0)
    for name in ("io_uring_setup", "io_uring_enter", "io_uring_register"):
        p.jump(_JEQ, calls[name], "eacces", 0)
    p.jump(_JEQ, calls["pidfd_getfd"], "eperm", 0)
    p.jump(_JEQ, calls["ptrace"], "eperm", 0)
    p.ret(_RET_ALLOW)

    p.label("socket")  # the address family is an int: only its low 32 bits count
    p.load(_arg(0))
    p.jump(_JEQ, socket.AF_UNIX, "allow", 0)
    if supervised:
        p.jump(_JEQ, socket.AF_INET, "allow", 0)
        p.jump(_JEQ, socket.AF_INET6, "allow", 0)
    p.ret(_RET_EACCES)

    p.label("socketpair")
    p.load(_arg(0))
    p.jump(_JEQ, socket.AF_UNIX, "allow", "eacces")

    p.label("connect")
    p.ret(denied)

    p.label("sendto")  # sendto(fd, buf, len, flags, dest_addr, addrlen): a pointer, 64 bits
    p.load(_arg(4))
    p.jump(_JEQ, 0, 0, "sendto-addressed")
    p.load(_arg(4, high=True))
    p.jump(_JEQ, 0, "allow", 0)
    p.label("sendto-addressed")
    p.ret(denied)

    p.label("sendmsg")  # the destination is inside a struct: the parent link only, or ask
    if link_fd is not None:
        p.load(_arg(0))
        p.jump(_JEQ, link_fd, "allow", 0)
    p.ret(denied)

    p.label("allow")
    p.ret(_RET_ALLOW)
    p.label("eacces")
    p.ret(_RET_EACCES)
    p.label("eperm")
    p.ret(_RET_EPERM)
    return p.assemble()


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def confine(
    supervised: bool = False, link_fd: int | None = None, all_threads: bool = True
) -> int | None:
    """Install the network filter on this process (or only the calling thread).

    Returns the user-notification listener descriptor when `supervised` (to be handed to the
    parent's Supervisor), else None. Raises SandboxError when the filter cannot be installed
    or does not hold, so that the caller refuses to evaluate anything.
    """
    abi = _abi()
    code = filter_program(supervised, link_fd)
    buffer = ctypes.create_string_buffer(code, len(code))
    prog = _SockFprog(len(code) // 8, ctypes.cast(buffer, ctypes.c_void_p))
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise SandboxError(f"prctl(PR_SET_NO_NEW_PRIVS) failed: {os.strerror(ctypes.get_errno())}")
    flags = _FLAG_TSYNC if all_threads else 0
    if supervised:
        flags |= _FLAG_NEW_LISTENER | (_FLAG_TSYNC_ESRCH if all_threads else 0)
    result = libc.syscall(
        ctypes.c_long(abi.seccomp),
        ctypes.c_long(_SET_MODE_FILTER),
        ctypes.c_long(flags),
        ctypes.byref(prog),
    )
    if result < 0:
        raise SandboxError(
            f"seccomp filter refused by the kernel: {os.strerror(ctypes.get_errno())}"
        )
    if all_threads and not supervised and result != 0:
        raise SandboxError(f"seccomp filter not applied to thread {result}")
    _prove(supervised)
    return int(result) if supervised else None


def _prove(supervised: bool) -> None:
    """Check that the filter holds: a socket the policy forbids must not open."""
    family = socket.AF_NETLINK if supervised else socket.AF_INET
    try:
        probe = socket.socket(family, socket.SOCK_DGRAM)
    except PermissionError:
        return
    probe.close()
    raise SandboxError("the seccomp filter is installed but does not hold")


# --- handing the listener to the parent ----------------------------------------------------------


def report(link_fd: int, listener: int | None, ok: bool = True) -> None:
    """Tell the parent, with one byte, whether confinement worked (and pass the listener)."""
    link = socket.socket(fileno=link_fd)  # the same number: the filter allows sendmsg on it only
    try:
        if not ok:
            link.sendall(b"E")
        elif listener is None:
            link.sendall(b"0")
        else:
            socket.send_fds(link, [b"L"], [listener])
            os.close(listener)
    finally:
        link.detach()


def receive(link_fd: int) -> tuple[bool, int | None]:
    """The parent's side of `report`: (confined?, listener descriptor or None)."""
    link = socket.socket(fileno=os.dup(link_fd))
    try:
        data, fds, _, _ = socket.recv_fds(link, 1, 1)
    except OSError:
        data, fds = b"", []
    finally:
        link.close()
    if data == b"L" and len(fds) == 1:
        return True, fds[0]
    for fd in fds:
        os.close(fd)
    return data == b"0", None


# --- the supervisor: which destinations the allow-list names -------------------------------------


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
        calls = {**_abi().calls}
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


# --- evaluating in this process -------------------------------------------------------------------

#: Stack for threads that evaluate queries: Oxigraph's parser and evaluator recurse once per
#: nesting level and overflow the usual 8 MB (a segfault) at a few thousand levels. Address
#: space is reserved, memory is used only as deep as a query goes (10,000 levels of any
#: construct stay under 150 MB; graph.store.safety refuses deeper queries first).
STACK_BYTES = 512 * 1024 * 1024


def call_offline(func: Callable[[], T]) -> T:
    """Run `func` in a new thread that cannot reach the network and has a deep stack.

    For evaluation inside a process that must keep its own network (`zonegraph query` run by
    a test, a notebook): the filter is installed on that thread alone, and pyoxigraph
    evaluates, fetches and serialises on the thread that iterates the results, so `func`
    must consume them before it returns, and return plain values (pyoxigraph objects must not
    leave the thread). Raises SandboxError if the wall cannot be built. The thread is a
    daemon, so Ctrl-C ends the command without waiting for the query.
    """
    outcome: list[Any] = []

    def run() -> None:
        try:
            confine(all_threads=False)
            outcome.append((True, func()))
        except BaseException as exc:  # handed to the caller's thread
            # pyoxigraph results may only be dropped on the thread that made them: let the
            # frames of the traceback release theirs here, not in the caller's thread.
            chained: BaseException | None = exc
            while chained is not None:
                traceback.clear_frames(chained.__traceback__)
                chained = chained.__context__
            outcome.append((False, exc))

    previous = threading.stack_size(STACK_BYTES)
    try:
        thread = threading.Thread(target=run, name="zonegraph-offline", daemon=True)
        thread.start()
    finally:
        threading.stack_size(previous)
    thread.join()
    ok, value = outcome[0]
    if not ok:
        raise value
    result: T = value
    return result
