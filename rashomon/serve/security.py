"""What guards every response and every write: security headers, a request body limit, the token.

* Headers on every response (pages, API, static files, errors): a strict Content-Security-Policy
  (nothing from other origins, no inline script or style), ``X-Content-Type-Options: nosniff``,
  ``Referrer-Policy: no-referrer``.
* Bodies above ``max_body`` bytes are refused with 413 before the application sees them, whether
  the client declares a Content-Length or streams chunks.
* Writes: a server started without a token is read-only (403); with one, a write needs
  ``Authorization: Bearer TOKEN`` (401 otherwise), compared in constant time.
"""
from __future__ import annotations

import hmac
import json

CSP = ("default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
HEADERS = [(b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
           (b"referrer-policy", b"no-referrer")]
MAX_BODY = 20 * 1024 * 1024


class GuardMiddleware:
    """Pure ASGI middleware: adds the security headers, enforces the body limit."""

    def __init__(self, app, max_body: int = MAX_BODY):
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_guarded(message):
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _v in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [h for h in HEADERS if h[0] not in names]
            await send(message)

        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_body):
            return await self._too_large(send_guarded, declared.isdigit())
        if scope["method"] in ("GET", "HEAD", "OPTIONS"):
            return await self.app(scope, receive, send_guarded)
        body, more = [], True
        size = 0
        while more:  # read the whole (bounded) body first, then replay it to the app
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                return await self._too_large(send_guarded, True)
            body.append(chunk)
            more = message.get("more_body", False)
        replay = [{"type": "http.request", "body": b"".join(body), "more_body": False}]

        async def receive_replayed():
            return replay.pop() if replay else await receive()

        await self.app(scope, receive_replayed, send_guarded)

    async def _too_large(self, send, numeric: bool):
        status, text = ((413, f"the request body is larger than the limit of {self.max_body} bytes") if numeric
                        else (400, "the Content-Length header is not a number"))
        body = json.dumps({"detail": text}).encode()
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})


def check_write(token: str | None, authorization: str | None) -> None:
    """Raise the HTTPException a write gets without the right to write."""
    from fastapi import HTTPException

    if not token:
        raise HTTPException(403, "this server is read-only: start it with --token (or RASHOMON_TOKEN) "
                                 "to allow POST /articles")
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not given:
        raise HTTPException(401, "this write needs an 'Authorization: Bearer TOKEN' header",
                            headers={"WWW-Authenticate": "Bearer"})
    if not hmac.compare_digest(given.strip().encode(), token.encode()):
        raise HTTPException(401, "wrong token", headers={"WWW-Authenticate": "Bearer"})
