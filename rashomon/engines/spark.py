"""The Spark engine (issue 7). Not built yet."""
from __future__ import annotations

from ..errors import RashomonError


def run_cli(args) -> int:
    raise RashomonError("the Spark engine is not built yet (issue 7)")
