"""Turn a raw article into clean, numbered paragraphs with sections.

Applies the config rules (lines and blocks dropped, the article's end), splits blocks
into lines where they are lists and joins hard-wrapped ones (retrieval/ingest/page_lines.py),
keeps the lines the line model reads as article text, takes the title, byline and date
from above the article (retrieval/ingest/metadata.py), turns short heading lines into the section
of the paragraphs below them, and drops repeated paragraphs and pull-quotes or captions
that repeat text found elsewhere in the same source.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass

from retrieval.ingest.boilerplate import article_mask
from retrieval.ingest.metadata import (
    Header,
    byline_author,
    find_header,
    is_date_line,
    reads_as_heading,
)
from retrieval.ingest.page_lines import (
    PageLine,
    is_list_item,
    is_prose,
    line_key,
    page_lines,
)
from retrieval.settings import CleaningRules
from retrieval.text.repeats import repeat_key
from retrieval.text.tokenize import clean_text

_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*$")


@dataclass(frozen=True)
class CleanDocument:
    """A cleaned article: its title, byline and date if it shows them, and its paragraphs."""

    title: str | None
    author: str | None
    paragraphs: tuple[tuple[str | None, str], ...]  # (section, text), in order
    date: str | None = None


def text_blocks(text: str) -> list[list[str]]:
    """Return the blank-line separated blocks of a text, each a list of stripped lines."""
    if "\n" not in text:  # one line (most .jsonl documents)
        stripped = text.strip()
        return [[stripped]] if stripped else []
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


@functools.lru_cache(maxsize=64)
def _combined(patterns: tuple[re.Pattern[str], ...]) -> re.Pattern[str] | None:
    # One alternation instead of a loop over patterns: one C call per line.
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{p.pattern})" for p in patterns))


def _matches(patterns: tuple[re.Pattern[str], ...], line: str) -> bool:
    combined = _combined(patterns)
    return combined is not None and combined.search(line) is not None


def _drop_repeats(items: list[tuple[str | None, str]], min_chars: int) -> list[int]:
    if len(items) == 1:  # one paragraph (most .jsonl documents): nothing it could repeat
        return [0] if repeat_key(items[0][1]) else []
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


def _rule_blocks(text: str, rules: CleaningRules) -> list[list[str]]:
    """Return the blocks left by the config rules: truncation, dropped blocks and lines.

    A truncate_at match ends the article only on a line of two words or more: a one-word
    "Comments" button or "Related" label in the middle of an article is no end.
    """
    blocks: list[list[str]] = []
    for block in text_blocks(text):
        first = block[0]
        if " " in first.strip() and _matches(rules.truncate_at, first):
            break
        if any(_matches(rules.drop_blocks_with, line) for line in block):
            continue
        lines = [line for line in block if not _matches(rules.drop_lines, line)]
        if lines:
            blocks.append(lines)
    return blocks


def _plain_prose(line: str) -> bool:
    """Say whether a line is a paragraph of prose no cleaning step would touch: long (no
    heading, date line or byline is), ending like a sentence, no list marker, Markdown
    heading or placeholder."""
    return (
        len(line) > 100
        and is_prose(line)
        and "[" not in line
        and not line.startswith("#")
        and not is_list_item(line)
        and len(line.split(None, 21)) > 20  # more than 20 words, without splitting them all
    )


def _markdown_heading(line: PageLine) -> str | None:
    if line.bullet or not line.text.startswith("#"):
        return None
    found = _MARKDOWN_HEADING.match(line.text)
    return found.group(1) if found and found.group(1) else None


def clean_document(
    raw: str,
    rules: CleaningRules,
    *,
    find_furniture: bool = True,
    folder_repeats: frozenset[str] = frozenset(),
) -> CleanDocument:
    """Return the cleaned paragraphs, title, byline and date of one article's raw text.

    find_furniture: judge each line as article text or page furniture (a page copy);
    False for text that is an article already (trafilatura's output, a PDF's layout).
    folder_repeats: keys of lines that stand in other files of the same folder.
    """
    text = clean_text(raw.replace("\r\n", "\n").replace("\r", "\n")).replace("\u00a0", " ")
    blocks = _rule_blocks(text, rules)
    if blocks and all([len(block) == 1 and _plain_prose(block[0]) for block in blocks]):
        # Paragraphs of long sentences only (most .jsonl dumps): nothing is furniture, a
        # heading, a title, a date or a byline, so the steps below would keep every one.
        items: list[tuple[str | None, str]] = [(None, block[0]) for block in blocks]
        if len(items) == 1:  # one paragraph (of more than 20 words): nothing it repeats
            return CleanDocument(None, None, tuple(items))
        return CleanDocument(
            None, None, tuple(items[i] for i in _drop_repeats(items, rules.min_repeat_chars))
        )
    lines = page_lines(blocks)
    if not lines:
        return CleanDocument(None, None, ())
    keep = article_mask(lines, folder_repeats) if find_furniture else [True] * len(lines)
    page = _Page(lines, keep, rules, find_furniture, folder_repeats)
    start = _article_start(page)
    body = [page.texts[i] for i in range(start, len(lines)) if keep[i]][:10] if start else []
    header = find_header(page.texts, start, body, rules.title_max_words) if start else Header()
    if rules.byline is not None and header.author is None:
        header = _configured_byline(page.texts, start, header, rules.byline)
    section: str | None = None
    # The line just above the article that is neither title nor byline is its first heading:
    # a Markdown heading, or in an article's own text (HTML, PDF) a short line; in a page
    # copy that line is more often a label or a share button.
    above = start - 1
    if (
        above >= 0
        and above not in header.used
        and (page.marked[above] is not None or not find_furniture)
        and page.heads(above, start)
    ):
        section = page.texts[above]
    items = []
    last = max((i for i, k in enumerate(keep) if k), default=-1)
    for i in range(start, last + 1):
        if page.marked[i] is not None:
            section = page.marked[i]
        elif page.heads(i, i + 1 if i < last else None):
            section = page.texts[i]
        elif keep[i]:
            items.append((section, lines[i].shown))
    kept = _drop_repeats(items, rules.min_repeat_chars)
    return CleanDocument(
        header.title, header.author, tuple(items[i] for i in kept), date=header.date
    )


class _Page:
    """A page's lines with what the cleaning knows of them: kept or not, Markdown headings."""

    def __init__(
        self,
        lines: list[PageLine],
        keep: list[bool],
        rules: CleaningRules,
        find_furniture: bool,
        folder_repeats: frozenset[str],
    ) -> None:
        self.lines = lines
        self.keep = keep
        self.rules = rules
        self.find_furniture = find_furniture
        self.folder_repeats = folder_repeats
        self.marked = [_markdown_heading(line) for line in lines]
        self.texts = [m or line.text for m, line in zip(self.marked, lines, strict=True)]
        self.counts = Counter(self.texts)

    def heads(self, i: int, following: int | None) -> bool:
        """Say whether line i is a section heading over line `following`.

        A heading is one short line that reads as one (metadata.reads_as_heading: no date,
        byline or credit); a line the line model dropped needs two words ("Related" and
        "Shares" are labels). It heads the next line, kept; in a page copy a paragraph of
        prose (after "Key Points" come bullets). It heads one part of one page: a line that
        comes back in the page (an author's name over each comment) or in other files of
        the folder ("Back to Gallery") is furniture, whatever its shape.
        """
        line, text = self.lines[i], self.texts[i]
        if self.marked[i] is not None:
            return True
        # Cheapest tests first: this runs on every line, and few are headings.
        if len(text) > 100 or line.bullet or line.joined or self.counts[text] > 1:
            return False
        if (
            following is None
            or following >= len(self.lines)
            or not self.keep[following]
            or self.marked[following] is not None
        ):
            return False
        after = self.lines[following]
        if self.find_furniture and (after.bullet or not is_prose(self.texts[following])):
            return False
        return (
            " | " not in text
            and reads_as_heading(text, self.rules.heading_max_words, 1 if self.keep[i] else 2)
            and not (self.folder_repeats and line_key(text) in self.folder_repeats)
        )


def _article_start(page: _Page) -> int:
    """Return the index of the article's first line of text: kept, and no heading, date,
    byline or line that the next one repeats."""
    rules = page.rules
    for i, line in enumerate(page.lines):
        if not page.keep[i] or page.marked[i] is not None:
            continue
        text = page.texts[i]
        following = page.texts[i + 1] if i + 1 < len(page.texts) else ""
        if len(text) <= 300 and following.casefold() == text.casefold():
            continue  # a headline standing twice (heading and breadcrumb, or deck)
        if (
            line.bullet
            or len(text) > 300
            or not (
                reads_as_heading(text, rules.title_max_words)
                or is_date_line(text)
                or byline_author(text)
                or (rules.byline is not None and rules.byline.match(text))
            )
        ):
            return i
    return len(page.lines)


def _configured_byline(
    texts: list[str], start: int, header: Header, byline: re.Pattern[str]
) -> Header:
    """Return the header with the author from the configured byline rule, if a line
    above the article matches it."""
    for i in range(start):
        found = byline.match(texts[i])
        if found and i not in header.used:
            return Header(header.title, found.group(1).strip(), header.date, header.used | {i})
    return header
