"""The event lexicon (``data/event_lexicon.tsv``), read once and compiled into dict lookups."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

__all__ = ["Lexicon", "lexicon"]


@dataclass
class Lexicon:
    # (pos, word) -> [(type, needs)]; pos "verb" | "noun"
    triggers: dict[tuple[str, str], list[tuple[str, str | None]]] = field(default_factory=dict)
    stops: set[tuple[str, str]] = field(default_factory=set)
    weapons: frozenset[str] = frozenset()
    compose: dict[tuple[str, str], str] = field(default_factory=dict)
    family: dict[str, str] = field(default_factory=dict)
    casualty: dict[str, str] = field(default_factory=dict)
    qualifiers: list[tuple[str, str]] = field(default_factory=list)  # longest phrase first
    vague: dict[str, int] = field(default_factory=dict)
    numbers: dict[str, int] = field(default_factory=dict)
    roles: frozenset[str] = frozenset()
    support: frozenset[str] = frozenset()
    nontargets: frozenset[str] = frozenset()
    collectives: frozenset[str] = frozenset()

    def composed(self, outer: str, inner: str) -> str | None:
        """The type of an event whose trigger of type ``outer`` governs one of type ``inner``;
        None when the two stay separate events."""
        return self.compose.get((outer, inner)) or self.compose.get((outer, "*"))

    def fam(self, type_: str) -> str:
        return self.family.get(type_, type_)


def _rows(name: str) -> list[list[str]]:
    text = resources.files("rashomon").joinpath("data", name).read_text(encoding="utf-8")
    return [ln.rstrip("\n").split("\t") for ln in text.splitlines()
            if ln.strip() and not ln.startswith("#")]


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    lex = Lexicon()
    weapons, roles, support, nontargets, collectives = set(), set(), set(), set(), set()
    for row in _rows("event_lexicon.tsv"):
        kind = row[0]
        if kind == "trigger" and len(row) in (4, 5):
            lex.triggers.setdefault((row[1], row[2]), []).append((row[3], row[4] if len(row) == 5 else None))
        elif kind == "stop" and len(row) == 3:
            lex.stops.add((row[1], row[2]))
        elif kind == "weapon" and len(row) == 2:
            weapons.add(row[1])
        elif kind == "role" and len(row) == 2:
            roles.add(row[1])
        elif kind == "collective" and len(row) == 2:
            collectives.add(row[1])
        elif kind == "nontarget" and len(row) == 2:
            nontargets.add(row[1])
        elif kind == "support" and len(row) == 2:
            support.add(row[1])
        elif kind == "compose" and len(row) == 4:
            lex.compose[(row[1], row[2])] = row[3]
        elif kind == "family" and len(row) == 3:
            lex.family[row[1]] = row[2]
        elif kind == "casualty" and len(row) == 3:
            lex.casualty[row[1]] = row[2]
        elif kind == "qualifier" and len(row) == 3:
            lex.qualifiers.append((row[1], row[2]))
        elif kind == "vague" and len(row) == 3:
            lex.vague[row[1]] = int(row[2])
        else:
            raise ValueError(f"event_lexicon.tsv: bad row {row!r}")
    lex.weapons, lex.roles, lex.support = frozenset(weapons), frozenset(roles), frozenset(support)
    lex.nontargets, lex.collectives = frozenset(nontargets), frozenset(collectives)
    lex.qualifiers.sort(key=lambda q: -len(q[0]))
    for row in _rows("time_words.tsv"):  # number words are shared with the time grammar
        if row[0] == "number" and len(row) == 3 and row[1] not in lex.vague:
            lex.numbers[row[1]] = int(row[2])
    return lex
