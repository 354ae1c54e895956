"""One exception hierarchy. Messages name the input and say what to do."""


class RashomonError(Exception):
    """Base of every error rashomon raises on purpose."""


class InputError(RashomonError):
    """An input could not be read. Carries the path (and record) so the batch can list it."""

    def __init__(self, path: str, reason: str, index: int | None = None):
        self.path, self.reason, self.index = path, reason, index
        where = path if index is None else f"{path} (record {index})"
        super().__init__(f"{where}: {reason}")


class NothingReadError(RashomonError):
    """No article could be read from any input."""


class SchemaError(RashomonError):
    """An output does not satisfy the published analysis.json schema."""
