"""Decode a text file's bytes: UTF-8 when it is, else the encoding a detector finds.

Files saved on older systems come in cp1251, latin-1, UTF-16 with a byte order mark and
the like. A byte order mark decides; valid UTF-8 is UTF-8; anything else goes to
charset-normalizer, which tries the encodings and keeps the one whose text reads as a
language. When several read equally well, the web's own default for legacy Western text
(windows-1252, which browsers use for "latin-1") is taken. The caller is told which
encoding was used, so that it can say so.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE, whose mark begins the same way
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_WESTERN_DEFAULT = "cp1252"


@dataclass(frozen=True)
class Decoded:
    """A file's text and the encoding it was read in ("utf-8", "cp1251", ...)."""

    text: str
    encoding: str


def decode(data: bytes) -> Decoded | None:
    """Return the text of bytes and the encoding used; None when they are no text."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(encoding), encoding.removesuffix("-sig"))
            except UnicodeDecodeError:
                return None
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes  # here: only files that are not UTF-8 pay

    matches = from_bytes(data)
    best = matches.best()
    if best is None:
        return None
    tied = [m for m in matches if (m.chaos, m.coherence) == (best.chaos, best.coherence)]
    chosen = next((m for m in tied if m.encoding == _WESTERN_DEFAULT), best)
    return Decoded(str(chosen), chosen.encoding)
