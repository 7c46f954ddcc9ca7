"""The one object the bot and the CLI talk to: the index, answers, summaries, source lookup.

Built once (from sources or later from a saved index) and then only read, so every
handler can share it. Nothing here knows about Telegram or terminals.
"""

from __future__ import annotations

import functools
import re
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from pathlib import Path

from retrieval.answer.answers import Answerer
from retrieval.answer.followups import carried_words, leans_on_previous
from retrieval.answer.summaries import summarize
from retrieval.index.search import SearchIndex
from retrieval.index.storage import current_version, load_index
from retrieval.index.update import IndexReport, build_index, refresh_index, update_index
from retrieval.ingest.documents import read_one_file
from retrieval.model import (
    Answer,
    ParagraphContext,
    Source,
    SourceRow,
    Summary,
    SummaryRequest,
)
from retrieval.settings import RetrievalSettings
from retrieval.text.langdetect import preload

WARM_WAIT = 3.0  # seconds
_WORD = re.compile(r"[^\W_]+")
_NAME = re.compile(r"(?<=[a-z,;] )([A-Z][a-z]{3,})\b")


class Library:
    """Answers and summaries over one set of sources."""

    def __init__(
        self, index: SearchIndex, settings: RetrievalSettings, index_dir: Path | None = None
    ) -> None:
        self.index = index
        self.settings = settings
        self.index_dir = index_dir  # where it is saved, if it is
        self.answerer = Answerer(index, settings.answers)
        preload(index.languages)  # the questions' language model, if they will need it
        self._answered = threading.Event()  # set once a question has been answered
        self._warming: threading.Thread | None = None

    def warm_up(self) -> threading.Thread:
        """Start preparing, in the background, what questions need (Answerer.warm); return
        the thread (the one already started, when called again). What every question needs
        comes first; what only some do waits for the first answer (or WARM_WAIT seconds),
        so as not to slow it down."""
        if self._warming is not None:
            return self._warming

        def warm() -> None:
            self.answerer.warm()
            self._answered.wait(WARM_WAIT)
            self.answerer.warm_rest()

        thread = threading.Thread(target=warm, name="sourcebot-warm", daemon=True)
        self._warming = thread
        thread.start()
        return thread

    @classmethod
    def loading(cls, settings: RetrievalSettings, index_dir: Path | None = None) -> LibraryLoad:
        """Start `load` (and the warm-up after it) on a background thread now; return what
        waits for the library. The bot starts it before it imports Telegram's modules and
        meets the server, so that work and the load go on at once."""
        return LibraryLoad(functools.partial(cls.load, settings, index_dir))

    @classmethod
    def load(cls, settings: RetrievalSettings, index_dir: Path | None = None) -> Library:
        """Load the saved index in index_dir (or sources.index_dir), else index the sources."""
        folder = index_dir or settings.sources.index_dir
        if folder is not None:
            return cls(load_index(folder, settings), settings, folder)
        return cls(build_index(settings), settings)

    @classmethod
    def rebuild(cls, settings: RetrievalSettings, index_dir: Path | None = None) -> Library:
        """Re-read the sources (only the changed files when there is a saved index)."""
        folder = index_dir or settings.sources.index_dir
        if folder is not None:
            return cls(update_index(settings, folder).index, settings, folder)
        return cls(build_index(settings), settings)

    def refreshed(self, settings: RetrievalSettings | None = None) -> tuple[Library, IndexReport]:
        """Return a new library over the sources as they are now, and what changed; only the
        files added or changed since this one was built are read (saved, when this library
        is). This library is left as it was, so questions can go on using it meanwhile."""
        settings = settings or self.settings
        if self.index_dir is not None:
            report = update_index(settings, self.index_dir)
        else:
            report = refresh_index(settings, self.index)
        return Library(report.index, settings, self.index_dir), report

    def read_file(
        self, path: Path, name: str, settings: RetrievalSettings | None = None
    ) -> tuple[tuple[Source, ...], tuple[str, ...]]:
        """Return the sources a file would add under `name`, and the warnings met reading
        it, without indexing it: an empty tuple of sources means it cannot be used."""
        settings = settings or self.settings
        return read_one_file(path, name, settings.sources, settings.cleaning)

    def origin(self, number: int) -> Path | None:
        """Return the file source `number` was read from, if there is such a source."""
        records = self.index.parts.records
        return Path(records[number - 1].origin) if 1 <= number <= len(records) else None

    def sources_from(self, origin: Path) -> tuple[Source, ...]:
        """Return the sources read from one file (several for a .jsonl)."""
        where = str(origin)
        records = self.index.parts.records
        return tuple(s for s, r in zip(self.sources, records, strict=True) if r.origin == where)

    def saved_bytes(self) -> int | None:
        """Return the size of the saved index this library was loaded from (None: in memory)."""
        version = current_version(self.index_dir) if self.index_dir is not None else None
        if version is None:
            return None
        return sum(p.stat().st_size for p in version.iterdir() if p.is_file())

    @property
    def term_total(self) -> int:
        """Return how many distinct terms the index holds."""
        return len(self.index.vocab.terms)

    @property
    def sources(self) -> Sequence[Source]:
        """Return the sources, numbered 1..n."""
        return self.index.sources

    @property
    def passage_total(self) -> int:
        """Return how many passages all sources were cut into."""
        return len(self.index)

    @property
    def page_size(self) -> int:
        """Return how many hits an answer (and each More page) shows."""
        return self.settings.answers.top_k

    def source_rows(self) -> tuple[SourceRow, ...]:
        """Return each source with its passage count, in number order (for /sources)."""
        return tuple(SourceRow(s, self.index.passage_count(s.file)) for s in self.sources)

    def answer(
        self,
        question: str,
        top_k: int | None = None,
        offset: int = 0,
        *,
        context: Sequence[str] = (),
        source: int | None = None,
    ) -> Answer:
        """Return the best quoted passages for a question; `context` is what a follow-up
        carries (follow_up), `source` the number of the one source to search."""
        try:
            return self.answerer.answer(
                question, top_k=top_k, offset=offset, context=context, source=source
            )
        finally:
            self._answered.set()

    def follow_up(
        self,
        message: str,
        previous: Sequence[str] = (),
        *,
        replied: bool = False,
        quoted: str | None = None,
    ) -> tuple[str, ...]:
        """Return the words a message carries into its search: the rarest of `quoted` (text
        the user quoted from an answer) when given, else of `previous` (the words the earlier
        question searched) when the message replies to that answer or leans on it; nothing
        for a new question."""
        limit = self.settings.answers.carry_terms
        if quoted and quoted.strip():
            # The quote is what the user asks about: it may lend twice as many words.
            return carried_words(self.index, quoted, 2 * limit)
        if previous and (replied or leans_on_previous(self.index, message)):
            return carried_words(self.index, " ".join(previous), limit)
        return ()

    def summarize(
        self,
        source: Source | None = None,
        topic: str | None = None,
        max_sentences: int | None = None,
    ) -> Summary:
        """Return a summary of one source, all sources, or a topic."""
        return summarize(
            self.sources,
            self.index.question_tokenizer(topic) if topic else self.index.tokenizer,
            self.settings.summaries,
            source=source,
            topic=topic,
            max_sentences=max_sentences,
            language_of=self.index.source_language,
        )

    def context(self, number: int, paragraph: int) -> ParagraphContext | None:
        """Return paragraph `paragraph` of source `number` with its neighbours, if it exists."""
        source = next((s for s in self.sources if s.number == number), None)
        if source is None or not 1 <= paragraph <= len(source.paragraphs):
            return None
        paras = source.paragraphs
        return ParagraphContext(
            meta=source.meta,
            paragraph=paras[paragraph - 1],
            before=paras[paragraph - 2] if paragraph > 1 else None,
            after=paras[paragraph] if paragraph < len(paras) else None,
        )

    def find_source(self, ref: str) -> Source | None:
        """Return the source a user means by a number, a file name or words of its title."""
        ref = ref.strip()
        if not ref:
            return None
        if ref.isdecimal() and len(ref) <= 9:  # not "²" (a digit int() refuses), nor 10^5000
            number = int(ref)
            return next((s for s in self.sources if s.number == number), None)
        by_file = self._by_file(ref)
        if by_file is not None:
            return by_file
        words = set(_WORD.findall(ref.casefold()))
        if not words:
            return None
        matches = [
            s
            for s in self.sources
            if words <= set(_WORD.findall(f"{s.meta.title} {s.file}".casefold()))
        ]
        return matches[0] if len(matches) == 1 else None

    def resolve_summary(self, arg: str) -> SummaryRequest:
        """Return what a summary argument asks for: all sources (""), the source a number,
        file name or title words name, or else a topic across the sources."""
        arg = arg.strip()
        if not arg:
            return SummaryRequest()
        source = self.find_source(arg)
        if source is not None:
            return SummaryRequest(source=source)
        head, _, rest = arg.partition(" ")
        if head.isdigit() and (not rest.strip() or self.find_source(head) is None):
            return SummaryRequest(problem="no-source")
        if rest.strip() and (head.isdigit() or self._by_file(head) is not None):
            # "2 sanctions": a topic within source 2 (a number or a file name first).
            within = self.find_source(head) if head.isdigit() else self._by_file(head)
            if not self.index.tokenizer.tokenize(rest):
                return SummaryRequest(problem="no-words")
            return SummaryRequest(source=within, topic=rest.strip())
        if not self.index.tokenizer.tokenize(arg):
            return SummaryRequest(problem="no-words")
        return SummaryRequest(topic=arg)

    def _by_file(self, name: str) -> Source | None:
        folded = name.casefold()
        for source in self.sources:
            if folded in (source.file.casefold(), source.file.rsplit("/", 1)[-1].casefold()):
                return source
        return None

    @functools.cached_property
    def _example(self) -> str:
        names: Counter[str] = Counter()
        for passage in self.index.passages[:2000]:
            names.update(n for n in _NAME.findall(passage.text) if self.index.tokenizer.tokenize(n))
        if not names:
            return "What is the main point of the sources?"
        return f"What do the sources say about {names.most_common(1)[0][0]}?"

    def example_question(self) -> str:
        """Return a question these sources can answer, about the name they mention most."""
        return self._example

    def example_for(self, source: Source) -> str:
        """Return a question one source can answer: about the name it mentions most, else
        its most frequent long word."""
        names: Counter[str] = Counter()
        words: Counter[str] = Counter()
        for paragraph in list(source.paragraphs)[:200]:
            names.update(
                n for n in _NAME.findall(paragraph.text) if self.index.tokenizer.tokenize(n)
            )
            words.update(w for w in _WORD.findall(paragraph.text) if len(w) >= 6)
        best = names or words
        if not best:
            return "What is the main point of the sources?"
        # The most frequent; among as frequent, the longest (a heading word such as "Notes"
        # loses to "Nyiragongo"), then the first in alphabetical order.
        word = min(best.items(), key=lambda item: (-item[1], -len(item[0]), item[0]))[0]
        return f"What do the sources say about {word}?"


class LibraryLoad:
    """A library being loaded on a daemon thread (which then starts its warm-up); calling
    the object waits for it, and raises what the load raised. A daemon thread, so a bot
    that cannot start (a bad token, another instance polling) exits at once, not after
    a load it will not use."""

    def __init__(self, load: Callable[[], Library]) -> None:
        self._done: Future[Library] = Future()
        threading.Thread(target=self._run, args=(load,), name="sourcebot-load", daemon=True).start()

    def _run(self, load: Callable[[], Library]) -> None:
        try:
            library = load()
            library.warm_up()
        except BaseException as exc:  # handed to whoever waits, as the load raised it
            self._done.set_exception(exc)
        else:
            self._done.set_result(library)

    def __call__(self) -> Library:
        return self._done.result()
