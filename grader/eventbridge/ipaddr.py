"""IP literals and CIDR ranges the way aws/event-ruler's ``CIDR`` class reads them.

Only strings matching event-ruler's regexes count as IP literals (``[0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+``
or ``[0-9a-fA-F:]*:[0-9a-fA-F:]*``); anything else is "Nonstandard". A CIDR range runs from the
address *as written* to that address with all host bits set (event-ruler does not mask the base
address first), and the prefix length must be below 32 (IPv4) or 128 (IPv6).
"""

from __future__ import annotations

import ipaddress
import re

_IPV4 = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+")
_IPV6 = re.compile(r"[0-9a-fA-F:]*:[0-9a-fA-F:]*")
_JAVA_INT = re.compile(r"[+-]?[0-9]+")


class CidrError(ValueError):
    """A CIDR value event-ruler rejects; the message is the AWS reason text."""


def looks_like_ip(text: str) -> bool:
    return bool(_IPV4.fullmatch(text) or _IPV6.fullmatch(text))


def ip_to_int(text: str) -> tuple[int, int] | None:
    """``(bits, value)`` for an IP literal (32 or 128 bits), or None if it is not one.

    IPv4-mapped IPv6 addresses become IPv4, as ``java.net.InetAddress`` does.
    """
    if _IPV4.fullmatch(text):
        parts = text.split(".")
        if any(len(p) > 10 or int(p) > 255 for p in parts):
            return None
        return 32, (int(parts[0]) << 24) | (int(parts[1]) << 16) | (int(parts[2]) << 8) | int(parts[3])
    if _IPV6.fullmatch(text):
        try:
            addr = ipaddress.IPv6Address(text)
        except ValueError:
            return None
        if addr.ipv4_mapped is not None:
            return 32, int(addr.ipv4_mapped)
        return 128, int(addr)
    return None


def parse_cidr(text: str) -> tuple[int, int, int]:
    """``(bits, bottom, top)`` of a CIDR pattern value; raises CidrError with AWS's reason."""
    parts = text.split("/")
    while len(parts) > 1 and parts[-1] == "":  # Java's String.split drops trailing empty strings
        parts.pop()
    if len(parts) != 2:
        raise CidrError("Malformed CIDR, one '/' required")
    if not _JAVA_INT.fullmatch(parts[1]) or not -(2**31) <= int(parts[1]) < 2**31:
        raise CidrError("Malformed CIDR, mask bits must be an integer")
    mask = int(parts[1])
    if mask < 0:
        raise CidrError("Malformed CIDR, mask bits must not be negative")
    if not looks_like_ip(parts[0]):
        raise CidrError(f"Nonstandard IP address: {parts[0]}")
    parsed = ip_to_int(parts[0])
    if parsed is None:
        raise CidrError(f"Invalid IP address: {parts[0]}")
    bits, value = parsed
    if bits == 32 and mask > 31:
        raise CidrError("IPv4 mask bits must be < 32")
    if bits == 128 and mask > 127:
        raise CidrError("IPv6 mask bits must be < 128")
    host = (1 << (bits - mask)) - 1
    return bits, value, value | host
