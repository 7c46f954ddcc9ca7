"""The layout of a reply, decided once for both renderers: answers, summaries, contexts and
/help as chunks of lines around verbatim quotes.

A `Reply` is a tuple of `Chunk`s: lines before a quote, the quote, lines after it. A line is
runs of text (bold, or a link) with a role the renderers style (a heading, a citation label,
a reference, a note). Telegram HTML (render_html.py) and the terminal (render_terminal.py)
draw the same Reply, so both say the same words (wording.py) in the same order.

Citations: under each quote a short label ("[2] Roy, IDSA · ¶12", linked to the quote's place
when the source has an address); the full reference once per source, after the quotes, and
only for sources the reader has not had it for (`referenced`: the sources fully cited
earlier in the same conversation, as a book gives the full note only at a first citation).
A chunk says which source it cites and a reference which source it refers to, so a renderer
short of room can leave out the last quotes and the references only they needed.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from bot import wording as w
from bot.catalogs import ENGLISH, Words
from bot.citation import Label, Reference, label, reference, short_name
from retrieval import Answer, Hit, ParagraphContext, Quote, SourceMeta, Summary, SummarySentence

Role = Literal["text", "heading", "minor", "label", "reference", "note", "gap"]
CLIP = 200  # UTF-16 units of a title, byline, file name or echoed topic
TERM_CLIP = 64  # of a searched word


def utf16_len(text: str) -> int:
    """Return the length Telegram counts: UTF-16 code units."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def cut(text: str, budget: int) -> str:
    """Return the start of text that leaves room for "…" in budget units, at a word boundary."""
    room = max(budget - 1, 0)
    head = text[:room]
    units = utf16_len(head)
    while units > room:
        units -= 2 if ord(head[-1]) > 0xFFFF else 1
        head = head[:-1]
    space = head.rfind(" ")
    if space > room // 2:
        head = head[:space]
    return head.rstrip(" ,;:–—-")


def clip(text: str, budget: int = CLIP) -> str:
    """Return text cut to at most `budget` UTF-16 units at a word boundary, with "…"."""
    return text if utf16_len(text) <= budget else cut(text, budget) + "…"


@dataclass(frozen=True)
class Run:
    """A piece of a line: plain, bold, italic, or a link (`show_url`: the terminal prints the
    address too)."""

    text: str
    bold: bool = False
    url: str | None = None
    show_url: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Line:
    """One line of a reply, its runs, and its role (how renderers style it)."""

    runs: tuple[Run, ...]
    role: Role = "text"

    @property
    def text(self) -> str:
        """Return the line's text without styling."""
        return "".join(r.text for r in self.runs)


GAP = Line((), "gap")


@dataclass(frozen=True)
class Chunk:
    """Lines before a quote, the quote (or None), lines after it; which source it cites
    (quoted chunks) or refers to (a reference)."""

    before: tuple[Line, ...] = ()
    quote: Quote | None = None
    after: tuple[Line, ...] = ()
    cites: str | None = None
    refers: str | None = None


Reply = tuple[Chunk, ...]


def line(*parts: str | Run, role: Role = "text") -> Line:
    """Return a line of plain strings and runs."""
    return Line(tuple(Run(p) if isinstance(p, str) else p for p in parts), role)


def label_line(cite: Label) -> Line:
    """Return the label under a quote: "[2] Roy, IDSA · ¶12", linked when it can be."""
    mark = (Run(cite.mark + " "),) if cite.mark else ()
    return Line((*mark, Run(clip(cite.text), url=cite.link)), "label")


def reference_line(ref: Reference, role: Role = "reference") -> Line:
    """Return a full reference: "[2] Title — author, publisher, date", the title linked."""
    runs = [Run(ref.mark + " ")] if ref.mark else []
    runs.append(Run(clip(ref.title), url=ref.url, show_url=True))
    if ref.byline:
        runs.append(Run(f" — {clip(ref.byline)}"))
    return Line(tuple(runs), role)


def references(
    cited: Iterable[tuple[str, SourceMeta, int]], referenced: frozenset[str]
) -> list[Chunk]:
    """Return a reference chunk for each cited source (file, meta, number) not yet referenced,
    in order of first citation, under a blank line."""
    chunks: list[Chunk] = []
    seen: set[str] = set(referenced)
    for file, meta, number in cited:
        if file in seen:
            continue
        seen.add(file)
        gap = (GAP,) if not chunks else ()
        chunks.append(Chunk(before=(*gap, reference_line(reference(meta, number))), refers=file))
    return chunks


def cited_sources(answer: Answer) -> tuple[str, ...]:
    """Return the files an answer cites, in order of first citation."""
    return tuple(dict.fromkeys(h.passage.source for h in answer.hits))


def _searched(answer: Answer, words: Words) -> Line | None:
    """Return "Searched for: Syria · with: Kerry, Sochi" when the search was not the question
    as typed (a follow-up, a corrected word), else None."""
    if not answer.context and not answer.corrected_terms:
        return None
    fixed = set(answer.corrected_terms.values())
    runs: list[Run] = []
    if answer.words:
        runs.append(Run(words(w.SEARCHED_FOR)))
        for i, word in enumerate(answer.words):
            runs += [Run(", ")] if i else []
            runs.append(Run(clip(word, TERM_CLIP), bold=word in fixed or bool(answer.context)))
        if answer.context:
            carried = ", ".join(clip(c, TERM_CLIP) for c in answer.context)
            runs.append(Run(words(w.WITH) + carried))
    else:  # no words of its own ("why?"): the carried words are the search
        carried = ", ".join(clip(c, TERM_CLIP) for c in answer.context)
        runs.append(Run(words(w.SEARCHED_FOR) + carried))
    return Line(tuple(runs), "note")


def _hit_chunk(hit: Hit, before: tuple[Line, ...]) -> Chunk:
    p = hit.passage
    cite = label(hit.meta, hit.source_number, p.paragraph, p.section, p.page, hit.link)
    return Chunk(before, hit.quote, (label_line(cite),), cites=p.source)


def answer_reply(
    answer: Answer,
    surface: w.Surface = w.TELEGRAM,
    referenced: frozenset[str] = frozenset(),
    words: Words = ENGLISH,
) -> Reply:
    """Return an answer: what was searched, each quote with its label, the references; a
    "not found" to a question in a language none of the sources is in says theirs."""
    head: list[Line] = []
    if answer.source is not None and answer.hits:
        meta = answer.hits[0].meta
        head.append(
            line(words(w.MORE_FROM), Run(f"[{answer.source}] {short_name(meta)}", bold=True))
        )
    searched = _searched(answer, words)
    if searched is not None:
        head.append(searched)
    if not answer.terms:
        example = Run(words(w.NO_TERMS_EXAMPLE), italic=True)
        return (Chunk((*head, line(words(w.NO_TERMS), example))),)
    if not answer.found:
        theirs = answer.source_languages if answer.language_mismatch else ()
        elsewhere = [line(w.sources_in(theirs, words))] if theirs else []
        return (Chunk((*head, line(w.not_found(surface, words)), *elsewhere)),)
    if not answer.hits:
        text = words(w.NO_MORE)
        if answer.source is not None:
            text = words(w.NO_MORE_FROM, source=f"[{answer.source}]")
        return (Chunk((*head, line(text))),)
    chunks = [_hit_chunk(hit, (GAP,) if i else tuple(head)) for i, hit in enumerate(answer.hits)]
    cited = ((h.passage.source, h.meta, h.source_number) for h in answer.hits)
    chunks += references(cited, referenced)
    more = w.more_hint(surface, words)
    if answer.more and more:
        chunks.append(Chunk((GAP, line(more, role="note"))))
    return tuple(chunks)


def _runs_of(sentences: Sequence[SummarySentence]) -> list[list[SummarySentence]]:
    """Return the sentences in runs of one paragraph of one source, in order."""
    runs: list[list[SummarySentence]] = []
    for s in sentences:
        last = runs[-1][-1] if runs else None
        if last is not None and (last.source, last.paragraph) == (s.source, s.paragraph):
            runs[-1].append(s)
        else:
            runs.append([s])
    return runs


def _joined(run: Sequence[SummarySentence]) -> str:
    """Return a run's sentences as one quote: " … " where the paragraph skips some."""
    text = run[0].text
    for prev, s in itertools.pairwise(run):
        text += (" " if s.position == prev.position + 1 else " … ") + s.text
    return text


def summary_reply(
    summary: Summary,
    surface: w.Surface = w.TELEGRAM,
    referenced: frozenset[str] = frozenset(),
    words: Words = ENGLISH,
) -> Reply:
    """Return a summary: a heading, then consecutive sentences of one paragraph as one quote
    with one label; all sources get a heading line each, a topic across sources gets
    named labels and references, as answers do."""
    if not summary.sentences:
        said, topic, then = w.nothing_to_summarise(summary.topic, surface, words)
        return (Chunk((line(said, Run(clip(topic), bold=True), then),)),)
    first = summary.sentences[0]
    one = reference(first.meta, first.number) if summary.source is not None else None
    mixed = summary.source is None and summary.topic is not None
    if summary.topic:
        title: list[str | Run] = [words(w.SUMMARY_TOPIC), Run(clip(summary.topic), bold=True)]
        if one is not None:
            title += [words(w.SUMMARY_WITHIN), *reference_line(one).runs]
        head = line(*title)
    elif one is not None:
        head = line(words(w.SUMMARY_OF), *reference_line(one).runs)
    else:
        head = line(words(w.SUMMARY_ALL))
    chunks: list[Chunk] = []
    current: str | None = None
    for run in _runs_of(summary.sentences):
        s = run[0]
        before: list[Line] = [head] if not chunks else []
        if summary.source is None and summary.topic is None and s.source != current:
            before += [GAP, reference_line(reference(s.meta, s.number), role="heading")]
            current = s.source
        cite = label(s.meta, s.number, s.paragraph, s.section, s.page, s.link, named=mixed)
        chunks.append(Chunk(tuple(before), Quote(_joined(run)), (label_line(cite),), s.source))
    if mixed:
        cited = ((s.source, s.meta, s.number) for s in summary.sentences)
        chunks += references(cited, referenced)
    return tuple(chunks)


def context_reply(
    ctx: ParagraphContext, number: int = 0, referenced: frozenset[str] = frozenset()
) -> Reply:
    """Return a paragraph in full with the one before and after it, then its citation."""
    p = ctx.paragraph
    chunks: list[Chunk] = []
    if ctx.before is not None:
        chunks.append(
            Chunk(
                (line(w.CONTEXT_OF.format(number=ctx.before.number), role="minor"),),
                Quote(ctx.before.text),
            )
        )
    chunks.append(
        Chunk((line(w.CONTEXT_OF.format(number=p.number), role="heading"),), Quote(p.text))
    )
    if ctx.after is not None:
        chunks.append(
            Chunk(
                (line(w.CONTEXT_OF.format(number=ctx.after.number), role="minor"),),
                Quote(ctx.after.text),
            )
        )
    cite = label(ctx.meta, number, p.number, p.section, p.page)
    chunks.append(Chunk((label_line(cite),)))
    return (*chunks, *references([(ctx.meta.file, ctx.meta, number)], referenced))


def help_reply(surface: w.Surface, words: Words = ENGLISH) -> Reply:
    """Return the list of commands, one line each, and how to ask."""
    lines = [line(words(w.HELP_TITLE), role="heading")]
    commands = w.help_lines(surface, words)
    lines += [line(Run(cmd, bold=True), f" — {what}") for cmd, what in commands]
    lines += [GAP, line(w.help_note(surface, words))]
    return (Chunk(tuple(lines)),)
