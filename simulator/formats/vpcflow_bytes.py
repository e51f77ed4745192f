"""Vectorised text rendering: columns of numbers / pool indices → one bytes blob of lines.

Each field is rendered as a fixed-width ``uint8`` matrix (one row per record) whose unused cells
hold byte 0. The fields are laid side by side with separator columns into one preallocated matrix;
dropping every 0 byte in a single C pass then yields all lines, already joined. No per-record
Python work happens, which is what lets the flow-log writer reach its throughput target (hundreds
of thousands of lines per second per core); the ALB renderer uses the same pieces. Byte 0 never
occurs in log text, so it is a safe padding value.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

DASH = ord("-")


def pool_matrix(strings: Sequence[str], allow_spaces: bool = False) -> np.ndarray:
    """Encode strings once into a (len, maxwidth) uint8 matrix padded with 0 (right), UTF-8.

    Space-separated logs without quoting (flow logs) must not get a space inside a value, so spaces
    are refused unless the caller quotes the field (``allow_spaces``).
    """
    encoded = [s.encode("utf-8") for s in strings]
    if any(b"\x00" in e or b"\n" in e or (b" " in e and not allow_spaces) for e in encoded):
        raise ValueError("pool strings must not contain NUL or newline" + ("" if allow_spaces else " or space"))
    width = max((len(e) for e in encoded), default=1) or 1
    mat = np.zeros((len(encoded), width), dtype=np.uint8)
    for i, e in enumerate(encoded):
        mat[i, : len(e)] = np.frombuffer(e, dtype=np.uint8)
    return mat


def digits_needed(max_value: int) -> int:
    """Number of decimal digits of ``max_value`` (at least 1)."""
    return max(1, len(str(int(max_value))))


def _chunk_tables() -> tuple[np.ndarray, np.ndarray]:
    """4-digit chunk tables as little-endian uint32 words (one word = 4 output bytes).

    Row ``c + 10000 * h`` holds chunk value ``c``: without leading zeros when ``h`` is 0 (no more
    significant digit precedes it), zero-padded when ``h`` is 1. The second table renders a lone 0.
    """
    pad = np.zeros((10000, 4), dtype=np.uint8)
    lead = np.zeros((10000, 4), dtype=np.uint8)
    for i in range(10000):
        s = str(i).encode()
        pad[i] = np.frombuffer(s.rjust(4, b"0"), dtype=np.uint8)
        if i:
            lead[i, 4 - len(s) :] = np.frombuffer(s, dtype=np.uint8)
    last = lead.copy()
    last[0, 3] = ord("0")
    return (np.ascontiguousarray(np.vstack([lead, pad])).view("<u4").ravel(),
            np.ascontiguousarray(np.vstack([last, pad])).view("<u4").ravel())


_LEAD_OR_PAD, _LAST_OR_PAD = _chunk_tables()


def int_matrix(values: np.ndarray, null: np.ndarray | None = None) -> np.ndarray:
    """Decimal digits of non-negative integers; negative values or ``null`` rows render as ``-``.

    Works in 4-digit chunks looked up in precomputed tables (one uint32 gather per chunk).
    """
    vals = np.asarray(values)
    n = vals.shape[0]
    missing = vals < 0 if vals.dtype.kind == "i" else np.zeros(n, dtype=bool)
    if null is not None:
        missing = missing | null
    top = int(vals.max()) if n else 0
    dtype = np.uint32 if top < 2**32 else np.uint64
    v = np.where(missing, 0, vals).astype(dtype)
    n_chunks = max(1, -(-digits_needed(max(top, 0)) // 4))
    chunks = []
    rest = v
    for _ in range(n_chunks):
        chunks.append((rest % dtype(10000)).astype(np.intp))
        rest = rest // dtype(10000)
    words = np.empty((n, n_chunks), dtype="<u4")
    higher = np.zeros(n, dtype=np.intp)
    for j in range(n_chunks):  # most significant chunk first
        c = chunks[n_chunks - 1 - j]
        table = _LAST_OR_PAD if j == n_chunks - 1 else _LEAD_OR_PAD
        words[:, j] = table[c + 10000 * higher]
        if j < n_chunks - 1:
            higher = higher | (c != 0)
    out = words.view(np.uint8).reshape(n, 4 * n_chunks)
    if missing.any():
        out[missing] = 0
        out[missing, -1] = DASH
    return out


_OCT_DOT = np.zeros((256, 4), dtype=np.uint8)
_OCT_END = np.zeros((256, 4), dtype=np.uint8)
for _i in range(256):
    _s = str(_i).encode()
    _OCT_DOT[_i, 3 - len(_s) : 3] = np.frombuffer(_s, dtype=np.uint8)
    _OCT_DOT[_i, 3] = ord(".")
    _OCT_END[_i, 4 - len(_s) :] = np.frombuffer(_s, dtype=np.uint8)
_OCT_DOT_W = _OCT_DOT.view("<u4").ravel()
_OCT_END_W = _OCT_END.view("<u4").ravel()


def ipv4_matrix(addrs: np.ndarray, null: np.ndarray | None = None) -> np.ndarray:
    """Dotted-quad text of uint32 IPv4 addresses (one uint32 gather per octet); ``null`` rows → ``-``."""
    a = np.asarray(addrs).astype(np.uint32)
    n = a.shape[0]
    words = np.empty((n, 4), dtype="<u4")
    words[:, 0] = _OCT_DOT_W[a >> np.uint32(24)]
    words[:, 1] = _OCT_DOT_W[(a >> np.uint32(16)) & np.uint32(0xFF)]
    words[:, 2] = _OCT_DOT_W[(a >> np.uint32(8)) & np.uint32(0xFF)]
    words[:, 3] = _OCT_END_W[a & np.uint32(0xFF)]
    out = words.view(np.uint8).reshape(n, 16)
    if null is not None and null.any():
        out[null] = 0
        out[null, 15] = DASH
    return out


def zero_padded(values: np.ndarray, width: int) -> np.ndarray:
    """Exactly ``width`` decimal digits with leading zeros (values must be < 10**width)."""
    v = np.asarray(values).astype(np.int64)
    out = np.empty((v.shape[0], width), dtype=np.uint8)
    for j in range(width - 1, -1, -1):
        out[:, j] = (v % 10).astype(np.uint8) + 48
        v = v // 10
    return out


_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)


def hex_matrix(values: np.ndarray, width: int) -> np.ndarray:
    """``width`` lower-case hex digits with leading zeros of unsigned integers (up to 64 bits)."""
    v = np.asarray(values).astype(np.uint64)
    out = np.empty((v.shape[0], width), dtype=np.uint8)
    for j in range(width):
        out[:, width - 1 - j] = _HEX[((v >> np.uint64(4 * j)) & np.uint64(15)).astype(np.intp)]
    return out


def unique_pool(values: np.ndarray, fmt, allow_spaces: bool = False) -> np.ndarray:
    """Render a low-cardinality column: format each distinct value once (``fmt(value) -> str``)."""
    uniq, inv = np.unique(np.asarray(values), return_inverse=True)
    return pool_matrix([fmt(u) for u in uniq.tolist()], allow_spaces)[inv.ravel()]


def blank(mat: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """A copy of ``mat`` with the given rows emptied (all padding)."""
    out = np.array(mat, copy=True)
    out[rows] = 0
    return out


def const(text: bytes) -> np.ndarray:
    """A constant piece for ``join_rows`` (the same bytes on every row)."""
    return np.frombuffer(text, dtype=np.uint8).reshape(1, -1)


def join_rows(pieces: Sequence[np.ndarray], lengths: bool = False) -> tuple[bytes, np.ndarray | None]:
    """Concatenate pieces (``(n, w)`` matrices or ``(1, w)`` constants) row by row, drop the 0 padding.

    Returns the joined bytes of all rows and, if asked, each row's length (so callers can slice rows
    apart). Dropping the padding with ``bytes.translate`` is a single C pass over the buffer.
    """
    n = max(p.shape[0] for p in pieces)
    total = sum(p.shape[1] for p in pieces)
    buf = np.empty((n, total), dtype=np.uint8)
    col = 0
    for p in pieces:
        w = p.shape[1]
        buf[:, col : col + w] = p
        col += w
    row_len = np.count_nonzero(buf, axis=1) if lengths else None
    return buf.tobytes().translate(None, b"\x00"), row_len


def join_lines(fields: Sequence[np.ndarray], sep: int = ord(" ")) -> bytes:
    """Lay field matrices side by side with ``sep`` between them and ``\\n`` after each row."""
    if not fields:
        return b""
    return join_rows(interleave(fields, sep, b"\n"))[0]


def interleave(fields: Sequence[np.ndarray], sep: int, end: bytes) -> list[np.ndarray]:
    """fields with a separator column between them and ``end`` after the last."""
    sep_col = const(bytes([sep]))
    pieces: list[np.ndarray] = []
    for i, f in enumerate(fields):
        if i:
            pieces.append(sep_col)
        pieces.append(f)
    if end:
        pieces.append(const(end))
    return pieces


def ipv4_to_int(text: str) -> int:
    """``"10.0.1.5"`` → 167772421, with a clear error on malformed input."""
    parts = text.split(".")
    if len(parts) != 4 or not all(p.isdigit() and 0 <= int(p) <= 255 for p in parts):
        raise ValueError(f"not an IPv4 address: {text!r}")
    a, b, c, d = (int(p) for p in parts)
    return (a << 24) | (b << 16) | (c << 8) | d


def int_to_ipv4(value: int) -> str:
    """167772421 → ``"10.0.1.5"``."""
    v = int(value)
    return f"{v >> 24 & 255}.{v >> 16 & 255}.{v >> 8 & 255}.{v & 255}"
