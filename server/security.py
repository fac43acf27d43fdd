"""Guards in front of every route: a host allow-list and the security headers.

DNS rebinding: a page on evil.example can make its own name resolve to 127.0.0.1, and its
requests then reach this server with `Host: evil.example` and a matching Origin, so comparing
Origin with Host (origins.py) is not enough. Only the names this server is known by are
accepted: loopback names and addresses, the address it binds (for 0.0.0.0, this machine's own
addresses: students type the teacher's IP), and those given with `--allow-host`.

The middleware is pure ASGI (BaseHTTPMiddleware would buffer responses and does not see
websockets).
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import socket

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.guard import Throttle
from server.settings import Settings

log = logging.getLogger(__name__)

WILDCARD_BINDS = ("0.0.0.0", "::", "")
LOOPBACK_NAMES = frozenset({"localhost"})


def lan_address() -> str:
    """This machine's address on the local network (no packet is sent)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: only selects the outgoing interface
            address: str = probe.getsockname()[0]
            return address
        except OSError:
            return socket.gethostbyname(socket.gethostname())


def machine_names() -> set[str]:
    """The names and addresses a student may use to reach this machine."""
    names: set[str] = set()
    with contextlib.suppress(OSError):
        names.add(lan_address())
    with contextlib.suppress(OSError, UnicodeError):
        hostname = socket.gethostname().lower()
        names |= {hostname, f"{hostname}.local"}
        for *_, sockaddr in socket.getaddrinfo(hostname, None):
            names.add(str(sockaddr[0]))
    return {normalize_host(name) for name in names if name}


def normalize_host(host: str) -> str:
    """A host name or address in lower case, without brackets or a trailing dot."""
    host = host.strip().lower().rstrip(".")
    return host[1:-1] if host.startswith("[") and host.endswith("]") else host


def host_of(header: str) -> str:
    """The host part of a Host header: `[::1]:8000` -> `::1`, `a.b:80` -> `a.b`."""
    header = header.strip()
    if header.startswith("["):
        return normalize_host(header[: header.find("]") + 1])
    if header.count(":") > 1:  # a bare IPv6 address (not valid in Host, but unambiguous)
        return normalize_host(header)
    name, _, port = header.rpartition(":")
    return normalize_host(name if name and port.isdigit() else header)


def allowed_hosts(settings: Settings) -> frozenset[str] | None:
    """The Host names this server answers to besides loopback ones; None: any (`*`)."""
    extra = {normalize_host(host) for host in settings.allowed_hosts}
    if "*" in extra:
        return None
    if settings.host in WILDCARD_BINDS:
        extra |= machine_names()
    else:
        extra.add(normalize_host(settings.host))
    return frozenset(extra)


def host_allowed(header: str | None, allowed: frozenset[str] | None) -> bool:
    if allowed is None:
        return True
    if not header:
        return False
    host = host_of(header)
    if host in LOOPBACK_NAMES or host.endswith(".localhost") or host in allowed:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def content_security_policy(frame_ancestors: str, docs: bool = False) -> str:
    """The page loads only its own modules and styles (no inline script); it connects to
    itself and its websocket; `frame_ancestors` says which pages may embed it."""
    if docs:  # Swagger UI: an inline script and its files from a CDN
        cdn = "https://cdn.jsdelivr.net"
        return (f"default-src 'self'; script-src 'self' 'unsafe-inline' {cdn}; "
                f"style-src 'self' 'unsafe-inline' {cdn}; img-src 'self' data: "
                f"https://fastapi.tiangolo.com; frame-ancestors {frame_ancestors}")
    # Inline style attributes stay allowed: views set colors and widths in their markup.
    return ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data: blob:; connect-src 'self' ws: wss:; object-src 'none'; "
            f"base-uri 'none'; form-action 'self'; frame-ancestors {frame_ancestors}")


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            text: str = value.decode("latin-1")
            return text
    return None


class Guard:
    """Refuses requests for a Host not allowed (HTTP 400; a websocket handshake is refused)
    and adds the security headers to every HTTP response."""

    DOCS_PATHS = ("/api/docs", "/api/docs/oauth2-redirect")

    def __init__(self, app: ASGIApp, settings: Settings, throttle: Throttle) -> None:
        self.app, self.throttle = app, throttle
        self.allowed = allowed_hosts(settings)
        self.docs = settings.api_docs

        def encoded(csp: str) -> list[tuple[bytes, bytes]]:
            return [(b"content-security-policy", csp.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer")]

        self.headers = encoded(content_security_policy(settings.frame_ancestors))
        self.docs_headers = encoded(content_security_policy(settings.frame_ancestors, True))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        host = _header(scope, b"host")
        if not host_allowed(host, self.allowed):
            self.throttle.warning(log, "refused a request for host %r (see --allow-host)", host)
            await self.refuse(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await self.app(scope, receive, send)
            return
        extra = self.docs_headers if self.docs and scope["path"] in self.DOCS_PATHS \
            else self.headers

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {key.lower() for key, _ in message.get("headers", [])}
                message = {**message, "headers": [
                    *message.get("headers", []),
                    *((key, value) for key, value in extra if key not in present)]}
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await receive()  # websocket.connect
            await send({"type": "websocket.close", "code": 1008, "reason": "host not allowed"})
            return
        body = b"Host not allowed: open the address the server printed, or start it with " \
               b"--allow-host.\n"
        await send({"type": "http.response.start", "status": 400, "headers": [
            (b"content-type", b"text/plain; charset=utf-8"),
            (b"content-length", str(len(body)).encode()), *self.headers]})
        await send({"type": "http.response.body", "body": body})
