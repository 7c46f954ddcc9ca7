"""Turn a raw article into clean, numbered paragraphs with sections.

Joins hard-wrapped lines, drops page furniture by the rules in config (widgets, polls,
menus, credits, boilerplate), takes a title line and a byline out of the body, turns short
heading lines into the section of the paragraphs below them, and drops repeated paragraphs
and pull-quotes or captions that repeat text found elsewhere in the same source.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from retrieval.settings import CleaningRules
from retrieval.text.repeats import repeat_key
from retrieval.text.tokenize import clean_text

_TERMINAL = (".", ",", ";", ":", "!", "…")
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*$")


@dataclass(frozen=True)
class CleanDocument:
    """A cleaned article: its title and byline if it has them, and its paragraphs."""

    title: str | None
    author: str | None
    paragraphs: tuple[tuple[str | None, str], ...]  # (section, text), in order


def _blocks(text: str) -> list[list[str]]:
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            current.append(stripped)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _join_lines(lines: list[str]) -> str:
    out = lines[0]
    for line in lines[1:]:
        out = out[:-1] + line if out.endswith("\u00ad") else f"{out} {line}"
    return out


@functools.lru_cache(maxsize=64)
def _combined(patterns: tuple[re.Pattern[str], ...]) -> re.Pattern[str] | None:
    # One alternation instead of a loop over patterns: one C call per line.
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{p.pattern})" for p in patterns))


def _matches(patterns: tuple[re.Pattern[str], ...], line: str) -> bool:
    combined = _combined(patterns)
    return combined is not None and combined.search(line) is not None


def _reads_as_heading(text: str, max_words: int) -> bool:
    # Cheapest tests first: this runs on every paragraph, and few are headings.
    return (
        0 < len(text) <= 100
        and not text.endswith(_TERMINAL)
        and (text[0].isupper() or text[0].isdigit())
        and len(text.split()) <= max_words
    )


def _drop_repeats(items: list[tuple[str | None, str]], min_chars: int) -> list[int]:
    keys = [repeat_key(text) for _, text in items]
    keep: list[int] = []
    seen: set[str] = set()
    for i, key in enumerate(keys):
        if not key or key in seen:
            continue
        seen.add(key)
        keep.append(i)
    # Pull-quotes and captions: a paragraph whose text stands inside another one.
    inside = _contained([keys[i] for i in keep], min_chars)
    return [i for n, i in enumerate(keep) if n not in inside]


SIMPLE_SEARCH_WORK = 50_000_000  # keys x characters: below this, plain searching is cheapest


def _contained(keys: list[str], min_chars: int) -> set[int]:
    """Return which keys of at least min_chars stand in the others (keys: distinct, no "\n").

    As if counting each key in all of them joined. For a large source, without the
    quadratic cost: a key's inner words are whole words of any text holding it, so only
    the texts that have its rarest inner word are searched. Keys of one or two words (40
    characters of them: not prose) are counted in the joined text, and all this stops at a
    budget of characters compared, proportional to the text, so a hostile file cannot make
    it quadratic; past the budget a paragraph is kept.
    """
    joined = "\n".join(keys)
    if len(keys) * len(joined) <= SIMPLE_SEARCH_WORK:
        # An ordinary article: search in C. A key can stand only in a key at least as long
        # (the same key is already dropped, and no key holds "\n"), so join them longest
        # first and search each in the part before it: half the text, on average.
        order = sorted(range(len(keys)), key=lambda n: -len(keys[n]))
        longest_first = "\n".join(keys[n] for n in order)
        inside: set[int] = set()
        end = -1  # where the keys before the current one end in longest_first
        for n in order:
            key = keys[n]
            if len(key) >= min_chars and end > 0 and longest_first.find(key, 0, end) >= 0:
                inside.add(n)
            end += len(key) + 1
        return inside
    words = [key.split(" ") for key in keys]
    holders: dict[str, list[int]] = {}
    for n, key_words in enumerate(words):
        for word in set(key_words):
            holders.setdefault(word, []).append(n)
    budget = 64 * len(joined) + (1 << 20)
    inside = set()
    for n, key in enumerate(keys):
        if len(key) < min_chars:
            continue
        inner = words[n][1:-1]
        where = min((holders[w] for w in inner), key=len) if inner else None
        budget -= len(joined) if where is None else sum(len(keys[h]) for h in where)
        if budget < 0:
            break
        count = joined.count(key) if where is None else sum(keys[h].count(key) for h in where)
        if count >= 2:
            inside.add(n)
    return inside


def clean_document(raw: str, rules: CleaningRules) -> CleanDocument:
    """Return the cleaned paragraphs, title and byline of one article's raw text."""
    text = clean_text(raw.replace("\r\n", "\n").replace("\r", "\n")).replace("\u00a0", " ")
    title: str | None = None
    author: str | None = None
    section: str | None = None
    items: list[tuple[str | None, str]] = []
    blocks = _blocks(text)
    for index, block in enumerate(blocks):
        if _matches(rules.truncate_at, block[0]):
            break
        if any(_matches(rules.drop_blocks_with, line) for line in block):
            continue
        lines = [line for line in block if not _matches(rules.drop_lines, line)]
        if not lines:
            continue
        joined = _join_lines(lines)
        markdown = _MARKDOWN_HEADING.match(joined) if len(lines) == 1 else None
        if markdown:
            joined = markdown.group(1)
        single = len(lines) == 1
        first = not items and title is None and section is None and single
        if first and (markdown or _reads_as_heading(joined, rules.title_max_words)):
            title = joined
            continue
        if rules.byline is not None and author is None and not items and single:
            by = rules.byline.match(joined)
            if by:
                author = by.group(1).strip()
                continue
        is_last = index == len(blocks) - 1
        if (
            single
            and not is_last
            and (markdown or _reads_as_heading(joined, rules.heading_max_words))
        ):
            section = joined
            continue
        items.append((section, joined))
    kept = _drop_repeats(items, rules.min_repeat_chars)
    return CleanDocument(title, author, tuple(items[i] for i in kept))
