"""Deterministic randomness and names: the same seed gives the same platform, everywhere.

Every generated value derives from a keyed hash (BLAKE2b) of the seed and the item's identity
(its parents' names and its own index or name), never from Python's per-process ``hash`` or a
shared RNG, so any item can be generated on its own, in any order, in any process.

Generated names sort in index order (``proj-0007-billing``): a page at any position is found
by bisection over indices, with nothing stored.
"""

from __future__ import annotations

import re
from hashlib import blake2b

_K8S_NAME = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")

ORG_WORDS = (
    "acme", "globex", "initech", "umbrella", "hooli", "stark", "wayne", "wonka", "tyrell",
    "cyberdyne", "soylent", "aperture", "vandelay", "massive", "oscorp", "gringotts",
)  # fmt: skip
PROJECT_WORDS = (
    "billing", "checkout", "inventory", "search", "identity", "payments", "shipping",
    "catalog", "analytics", "notifications", "reviews", "loyalty", "pricing", "media",
    "support", "onboarding",
)  # fmt: skip
COMPONENT_WORDS = (
    "api", "gateway", "worker", "frontend", "scheduler", "ledger", "cache", "indexer",
    "auth", "profile", "cart", "orders", "events", "reports", "mailer", "sync", "store",
    "router", "tracker", "feed",
)  # fmt: skip
NON_ASCII_TITLES = (
    "Zahlungsdienst für Übersee", "支付网关", "Ödeme Servisi", "Café Système", "Πληρωμές",
    "Платёжный шлюз", "Señal de Envío", "決済サービス", "Łańcuch dostaw", "Ísland Ráðgjöf",
)  # fmt: skip


def digest(*parts: object) -> bytes:
    """16 pseudo-random bytes determined by ``parts``."""
    key = "\x1f".join(map(str, parts)).encode()
    return blake2b(key, digest_size=16).digest()


def h64(*parts: object) -> int:
    return int.from_bytes(digest(*parts)[:8], "big")


def unit(*parts: object) -> float:
    """A number in [0, 1) determined by ``parts``."""
    return h64(*parts) / 2.0**64


def uid_from(raw: bytes) -> str:
    """A UUID-shaped string (version 4 layout) from 16 bytes."""
    h = raw.hex()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-8{h[17:20]}-{h[20:32]}"


def is_k8s_name(name: str) -> bool:
    """A DNS-1123 label, as Kubernetes requires of these resources' names."""
    return len(name) <= 63 and bool(_K8S_NAME.match(name))


def title(name: str) -> str:
    """A display name from a resource name: ``proj-0007-billing`` → ``Billing 7``."""
    parts = name.split("-")
    words = [p for p in parts if not p.isdigit()]
    numbers = [str(int(p)) for p in parts if p.isdigit()]
    return " ".join([*(w.capitalize() for w in words[1:] or words), *numbers])


def width(count: int) -> int:
    """Digits to zero-pad indices to so names sort in index order."""
    return max(4, len(str(max(count - 1, 0))))
