"""The index's terms by id, each with a surface form (a word as the sources write it).

The vocabulary only grows: a term keeps its id for the life of a saved index, which is what
lets an incremental rebuild copy unchanged sources' rows as they are.
"""

from __future__ import annotations

from dataclasses import dataclass

from retrieval.text.tokenize import surface_form


@dataclass
class Vocabulary:
    """Index terms by id, with a surface form of each for showing corrections."""

    terms: list[str]
    ids: dict[str, int]
    surface: list[str]

    @classmethod
    def empty(cls) -> Vocabulary:
        return cls([], {}, [])

    def add(self, term: str, raw: str) -> int:
        """Return the id of term, adding it (with raw's surface form) when new."""
        tid = self.ids.get(term)
        if tid is None:
            tid = self.add_surface(term, surface_form(raw))
        return tid

    def add_surface(self, term: str, surface: str) -> int:
        """Return the id of term, adding it with this surface form when new."""
        tid = self.ids.get(term)
        if tid is None:
            tid = len(self.terms)
            self.ids[term] = tid
            self.terms.append(term)
            self.surface.append(surface)
        return tid
