"""AWS-style identifier factories (account ids, IAM unique ids, access keys, resource ids) drawn from a numpy rng.

IAM unique ids are 21 characters: a 4-letter prefix (AIDA user, AROA role, AKIA long-term key,
ASIA temporary key) followed by upper-case letters and digits, as in the real samples under
shared/reference/samples/cloudtrail/ (e.g. ``AIDATFQR7NSC5AU2ZV3IE``, ``ASIATFQR7NSC5XNAT7FQ``).
The 4 characters after the prefix encode the account in real ids, so one account shares them.
"""

from __future__ import annotations

import numpy as np

UPPER_DIGITS = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"))  # base32 alphabet, as real key ids use
HEX = np.array(list("0123456789abcdef"))
ALNUM = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"))


def chars(rng: np.random.Generator, alphabet: np.ndarray, n: int) -> str:
    """n random characters from alphabet."""
    return "".join(alphabet[rng.integers(0, len(alphabet), n)])


def account_id(rng: np.random.Generator) -> str:
    """A 12-digit AWS account id that does not start with 0."""
    return str(int(rng.integers(1, 10))) + "".join(str(d) for d in rng.integers(0, 10, 11))


def account_tag(rng: np.random.Generator) -> str:
    """The 4 characters that follow the IAM id prefix for one account (e.g. ``TFQR``)."""
    return chars(rng, UPPER_DIGITS, 4)


def iam_id(rng: np.random.Generator, prefix: str, tag: str) -> str:
    """A 21-character IAM unique id / access key id such as ``AIDATFQR7NSC5AU2ZV3IE``."""
    return prefix + tag + chars(rng, UPPER_DIGITS, 21 - len(prefix) - len(tag))


def resource_id(rng: np.random.Generator, prefix: str, n_hex: int = 17) -> str:
    """An EC2-style resource id such as ``i-0dbc91f429e48eeed`` (17 hex digits, long form)."""
    return f"{prefix}-{chars(rng, HEX, n_hex)}"


def hex_id(rng: np.random.Generator, n: int) -> str:
    """n lower-case hex digits."""
    return chars(rng, HEX, n)


def alnum(rng: np.random.Generator, n: int) -> str:
    """n letters/digits (mixed case), as in CloudTrail file-name unique strings."""
    return chars(rng, ALNUM, n)


def ip_in(rng: np.random.Generator, cidr_base: int, prefix_len: int, low: int = 4) -> int:
    """A host address (as int) inside base/prefix_len, avoiding the first `low` addresses (AWS reserves .0-.3)."""
    size = 1 << (32 - prefix_len)
    return cidr_base + int(rng.integers(low, size - 1))


def ip_str(ip: int) -> str:
    """Dotted-quad text of an IPv4 address given as int."""
    return f"{(ip >> 24) & 255}.{(ip >> 16) & 255}.{(ip >> 8) & 255}.{ip & 255}"


def ip_int(text: str) -> int:
    """Integer value of a dotted-quad IPv4 address."""
    a, b, c, d = (int(x) for x in text.split("."))
    return (a << 24) | (b << 16) | (c << 8) | d
