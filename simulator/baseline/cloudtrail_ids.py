"""Vectorised random identifiers for CloudTrail records: UUIDs (eventID/requestID), S3 request ids, x-amz-id-2."""

from __future__ import annotations

import base64

import numpy as np

_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_UP = np.frombuffer(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", dtype=np.uint8)
_UUID_POS = np.array([i for i in range(36) if i not in (8, 13, 18, 23)])
BLOCK = 4096


def uuid4_block(rng: np.random.Generator, n: int) -> list[bytes]:
    """n random version-4 UUIDs as ASCII bytes (36 chars)."""
    raw = rng.integers(0, 256, size=(n, 16), dtype=np.uint8)
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80
    hexd = np.empty((n, 32), dtype=np.uint8)
    hexd[:, 0::2] = _HEX[raw >> 4]
    hexd[:, 1::2] = _HEX[raw & 0x0F]
    out = np.full((n, 36), ord("-"), dtype=np.uint8)
    out[:, _UUID_POS] = hexd
    buf = out.tobytes()
    return [buf[i : i + 36] for i in range(0, 36 * n, 36)]


def s3_request_id_block(rng: np.random.Generator, n: int) -> list[bytes]:
    """n S3 request ids: 16 upper-case alphanumerics."""
    buf = _UP[rng.integers(0, len(_UP), size=(n, 16))].tobytes()
    return [buf[i : i + 16] for i in range(0, 16 * n, 16)]


def amz_id2_block(rng: np.random.Generator, n: int) -> list[bytes]:
    """n x-amz-id-2 values: base64 of 56 random bytes (76 characters, as in the real samples)."""
    raw = rng.integers(0, 256, size=(n, 56), dtype=np.uint8).tobytes()
    return [base64.b64encode(raw[i : i + 56]) for i in range(0, 56 * n, 56)]


class IdStream:
    """Draws identifiers in blocks from one rng (deterministic for a window)."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self._u: list[bytes] = []
        self._s: list[bytes] = []
        self._x: list[bytes] = []

    def uuid(self) -> bytes:
        if not self._u:
            self._u = uuid4_block(self.rng, BLOCK)
            self._u.reverse()
        return self._u.pop()

    def s3_request_id(self) -> bytes:
        if not self._s:
            self._s = s3_request_id_block(self.rng, BLOCK // 4)
            self._s.reverse()
        return self._s.pop()

    def amz_id2(self) -> bytes:
        if not self._x:
            self._x = amz_id2_block(self.rng, BLOCK // 4)
            self._x.reverse()
        return self._x.pop()
