"""What a citation says, in plain text pieces that every renderer formats its own way."""

from __future__ import annotations

from dataclasses import dataclass

from retrieval import SourceMeta


@dataclass(frozen=True)
class Citation:
    """The parts of a citation: title (linked when there is a url), byline, place."""

    title: str
    url: str | None
    byline: str  # "author, publisher, date" as far as known; may be empty
    place: str  # "section · ¶ 3" or "¶ 3"


def cite(
    meta: SourceMeta, paragraph: int, section: str | None = None, page: int | None = None
) -> Citation:
    """Return the citation of one paragraph of a source."""
    byline = meta.byline
    place = [f"p. {page}"] if page is not None else []
    place.append(f"¶ {paragraph}")
    if section:
        place.insert(0, section)
    return Citation(meta.title, meta.url, byline, " · ".join(place))


def source_line(meta: SourceMeta) -> str:
    """Return a source's byline for listings: author, publisher, date as far as known
    (nothing when the source has no title and is called by them)."""
    return meta.byline
