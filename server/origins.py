"""Cross-site websocket hijacking guard: only the page's origin (or allowed ones) may connect."""

from __future__ import annotations

from urllib.parse import urlsplit


def normalize(origin: str) -> str:
    """`scheme://host[:port]` in lower case, without a trailing slash."""
    return origin.strip().rstrip("/").lower()


def origin_allowed(origin: str | None, host: str | None, allowed: tuple[str, ...]) -> bool:
    """True when a browser at `origin` may open the websocket of the server reached as `host`.

    Browsers always send Origin on websocket handshakes; clients without one (command-line
    tools, the test client) are not browsers a third-party page could drive, so they pass.
    """
    if origin is None:
        return True
    if normalize(origin) in {normalize(o) for o in allowed}:
        return True
    parts = urlsplit(normalize(origin))
    if parts.scheme not in ("http", "https") or not parts.netloc or host is None:
        return False
    return parts.netloc == host.strip().lower()
