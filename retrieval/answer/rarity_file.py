"""The rarity scale kept beside a saved index, so that a start does not fit it again.

Fitting the scale (coverage.RarityScale) looks 20,000 of the sources' words up in wordfreq:
a third of a second at a million sources, which the first question after every start
waited for. The scale depends only on the saved version (its manifest names every file's
checksum), the sources' main language with its wordfreq list, and the fitting's own
constants; `rarity.json` beside the versions keeps the last scale fitted, with those as its
key. A file that does not match or cannot be read means fitting again; a folder that cannot
be written, that every start fits it (as before this file existed).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from retrieval.answer.coverage import SAMPLE_WORDS, ZIPF_BIN, ZIPF_BINS, RarityScale
from retrieval.index.integrity import read_note, write_note
from retrieval.index.storage import MANIFEST
from retrieval.text.frequency import list_stamp

RARITY = "rarity.json"


def scale_key(version: Path, language: str) -> str | None:
    """Return the key of the scale fitted on the index saved in `version` for a main
    language (None when its manifest cannot be read)."""
    try:
        manifest = (version / MANIFEST).read_bytes()
    except OSError:
        return None
    parts = [
        version.name,
        hashlib.sha256(manifest).hexdigest(),
        language,
        list_stamp(language),
        f"{SAMPLE_WORDS}:{ZIPF_BIN}:{ZIPF_BINS}",
    ]
    return "|".join(parts)


def read_scale(version: Path, key: str) -> RarityScale | None:
    """Return the scale saved beside `version` under key, or None."""
    saved = read_note(version.parent / RARITY)
    if not isinstance(saved, dict) or saved.get("key") != key:
        return None
    try:
        return RarityScale.from_saved(saved)
    except ValueError:
        return None


def write_scale(version: Path, key: str, scale: RarityScale) -> None:
    """Save the scale beside `version` under key (whole or not at all; nothing when the
    folder cannot be written)."""
    write_note(version.parent / RARITY, {"key": key, **scale.saved()})
