"""The store's errors (part of rashomon's one hierarchy)."""
from ..errors import RashomonError


class StoreError(RashomonError):
    """The store file cannot be opened, migrated or read as asked; the message names the file."""
