"""``rashomon serve``: a web app and HTTP API over the store (issue 8). Not built yet."""
from __future__ import annotations

from ..errors import RashomonError


def serve(db: str, host: str = "127.0.0.1", port: int = 8080, token: str | None = None) -> int:
    raise RashomonError("rashomon serve is not built yet (issue 8)")
