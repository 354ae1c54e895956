"""Sentence embeddings computed chunk by chunk in a background thread.

The comparison embeds a few thousand claim sentences; the model (torch) releases the GIL while
it multiplies, so while it works this thread can go on with what needs no vectors: choosing the
next stories' claims, the storylines and loaded-wording stages, the comparison of the stories
whose vectors are ready. ``EmbeddingQueue.add`` takes a story's texts and returns handles (each
distinct text is embedded once, across stories); every ``chunk`` new texts go to the thread as
one ``embed_fn`` call (the model sorts a call's texts by length and batches them, so a chunk
keeps its batches full); ``vectors`` waits for the chunks a story needs. With
``background=False`` each chunk is embedded in the caller's thread when it is full (the store's
cached embedding function writes to its database connection, which is not shared across
threads).
"""
from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Sequence

import numpy as np

CHUNK = 512  # distinct texts per embed_fn call

Handle = tuple[int, int]  # (chunk, row)


class EmbeddingQueue:
    """Texts in, unit vectors out, embedded in chunks (in a background thread by default)."""

    def __init__(self, embed_fn: Callable[[list[str]], object], *, background: bool = True,
                 chunk: int = CHUNK):
        self.embed_fn, self.background, self.chunk = embed_fn, background, chunk
        self.index: dict[str, Handle] = {}
        self.current: list[str] = []
        self.chunks = 0
        self.results: dict[int, np.ndarray] = {}
        self.error: BaseException | None = None
        self._ready = threading.Condition()
        self._todo: queue.SimpleQueue = queue.SimpleQueue()
        self._thread: threading.Thread | None = None

    @property
    def distinct(self) -> int:
        """How many distinct texts were given."""
        return len(self.index)

    def add(self, texts: Sequence[str]) -> list[Handle]:
        handles = []
        for t in texts:
            h = self.index.get(t)
            if h is None:
                h = self.index[t] = (self.chunks, len(self.current))
                self.current.append(t)
            handles.append(h)
        if len(self.current) >= self.chunk:
            self.flush()
        return handles

    def flush(self) -> None:
        """Send the texts gathered so far to be embedded."""
        if not self.current:
            return
        k, batch = self.chunks, self.current
        self.chunks, self.current = k + 1, []
        if not self.background:
            self.results[k] = np.asarray(self.embed_fn(batch), dtype="float32")
            return
        if self._thread is None:
            self._thread = threading.Thread(target=self._work, name="rashomon-embed", daemon=True)
            self._thread.start()
        self._todo.put((k, batch))

    def close(self) -> None:
        """No more texts: embed what is left; the thread ends once it is done."""
        self.flush()
        if self._thread is not None:
            self._todo.put(None)

    def vectors(self, handles: Sequence[Handle], width: int = 1) -> np.ndarray:
        """The vectors of ``handles`` (one row each), waiting for their chunks."""
        need = {c for c, _ in handles}
        if self.chunks in need:
            self.flush()
        with self._ready:
            while not need <= self.results.keys() and self.error is None:
                self._ready.wait()
        if self.error is not None:
            raise self.error
        if not handles:
            return np.zeros((0, width), dtype="float32")
        return np.stack([self.results[c][r] for c, r in handles])

    def _work(self) -> None:
        while True:
            item = self._todo.get()
            if item is None:
                return
            k, batch = item
            try:
                vecs = np.asarray(self.embed_fn(batch), dtype="float32")
            except BaseException as exc:  # noqa: BLE001 - raised by vectors() in the caller
                with self._ready:
                    self.error = exc
                    self._ready.notify_all()
                return
            with self._ready:
                self.results[k] = vecs
                self._ready.notify_all()
