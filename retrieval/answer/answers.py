"""Answer a question from the index: the best passages, each with a quote and citation.

The question is tokenized like the passages; words the sources never use are corrected
when they look misspelled. A passage counts as an answer only when it matches at least
`answers.min_coverage` of the question's weight (the idf of its terms, unseen terms
weighing most), so a question the sources do not address gets `found = False` instead of
unrelated quotes. The same text from two sources is shown once.

A follow-up brings words of an earlier question (`context`): they are searched with the
question's own words (its question frames left out: "what does this mean?" asks about the
conversation, not about meaning), and a passage counts when it matches one of the question's
own words and enough of either the own words' weight or the weight of all of them (a message
with no words of its own is answered from the context alone). A search may be scoped to one
source.
Each hit gets the link to its quote's place in the original (locators.py).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from retrieval.answer.followups import display_word
from retrieval.answer.locators import BEFORE_CHARS, quote_link
from retrieval.answer.quotes import best_quote
from retrieval.answer.spelling import SpellingCorrector
from retrieval.index.search import Scored, SearchIndex
from retrieval.model import Answer, Hit
from retrieval.settings import AnswerSettings
from retrieval.text.repeats import repeat_key
from retrieval.text.stopwords import QUESTION_FRAMES
from retrieval.text.tokenize import surface_form

MAX_QUESTION_TERMS = 32
MAX_QUESTION_CHARS = 2000
# A paragraph longer than this (a dump with no blank lines) is quoted from the matching
# passage alone: scoring every sentence of megabytes would take seconds per question.
MAX_QUOTED_PARAGRAPH_CHARS = 20_000


@dataclass(frozen=True)
class Query:
    """A question turned into search terms, with any spelling corrections and the words
    searched as written (one a term, corrected where corrected)."""

    terms: tuple[str, ...]
    corrected: dict[str, str]
    words: tuple[str, ...] = ()


def parse_question(
    index: SearchIndex,
    question: str,
    corrector: SpellingCorrector | None,
    frames: bool = True,
) -> Query:
    """Return the terms to search for question, correcting words the sources never use.

    Question frames ("say", "mean") are searched only when the sources use them, and never
    with frames=False (a follow-up, whose subject comes from the conversation).
    """
    tokenizer = index.tokenizer
    terms: dict[str, str] = {}  # term -> the word searched for it, as written
    corrected: dict[str, str] = {}
    if len(question) > MAX_QUESTION_CHARS:
        # Cut a very long message at a word boundary, so no half word becomes a term.
        cut = question[:MAX_QUESTION_CHARS]
        question = cut[: cut.rfind(" ")] if " " in cut else cut
    for raw in tokenizer.raw_tokens(question):
        word = surface_form(raw)
        term = tokenizer.term(word)
        if not term or (word in QUESTION_FRAMES and not (frames and index.knows(term))):
            continue
        shown = raw
        if not index.knows(term) and corrector is not None:
            fix = corrector.correct(word)
            fixed_term = tokenizer.term(fix) if fix else ""
            if fix and fixed_term and index.knows(fixed_term):
                corrected[word] = fix
                term, shown = fixed_term, fix
        terms.setdefault(term, display_word(shown))
    kept = list(terms)
    if len(kept) > MAX_QUESTION_TERMS:
        # Keep the most telling words of a very long message.
        keep = set(sorted(kept, key=index.idf, reverse=True)[:MAX_QUESTION_TERMS])
        kept = [t for t in kept if t in keep]
    return Query(tuple(kept), corrected, tuple(terms[t] for t in kept))


class Answerer:
    """Answers questions from one index with fixed settings; safe to share across tasks."""

    def __init__(self, index: SearchIndex, settings: AnswerSettings) -> None:
        self.index = index
        self.settings = settings
        self.corrector = (
            SpellingCorrector(index.surface_words, settings.spelling_max_zipf)
            if settings.spelling
            else None
        )

    def coverage(self, scored: Scored, terms: tuple[str, ...]) -> float:
        """Return the share of the question's weight that a passage matches."""
        matched = self.index.indexed_terms(scored.passage)
        return self._share(matched, terms)

    def _share(self, matched: set[str], terms: Sequence[str]) -> float:
        total = sum(self.index.idf(t) for t in terms)
        if total <= 0:
            return 0.0
        return sum(self.index.idf(t) for t in terms if t in matched) / total

    def answer(
        self,
        question: str,
        top_k: int | None = None,
        offset: int = 0,
        *,
        context: Sequence[str] = (),
        source: int | None = None,
    ) -> Answer:
        """Return up to top_k hits for question, skipping the first `offset` ones.

        context: words of an earlier question that a follow-up carries; source: the number
        of the one source to search (all when None).
        """
        k = top_k or self.settings.top_k
        query = parse_question(self.index, question, self.corrector, frames=not context)
        carried = self._carried(context, query.terms)
        terms = query.terms + tuple(t for t, _ in carried)
        words = tuple(w for _, w in carried)
        if not terms:
            return Answer(question, False, (), query.corrected, (), words=query.words)
        wanted = offset + k + 1
        pool = wanted * 3 + 10
        if source is None:
            candidates = self.index.search(terms, pool)
        else:
            candidates = self.index.search_within(terms, pool, source)
        qualifying = self._select(candidates, query.terms, terms, wanted)
        ranks = Counter[str]()
        within = []
        for scored in qualifying[: offset + k]:
            ranks[scored.passage.source] += 1
            within.append(ranks[scored.passage.source])
        page = qualifying[offset : offset + k]
        hits = tuple(
            self._hit(rank, s, terms, within[rank - 1]) for rank, s in enumerate(page, offset + 1)
        )
        return Answer(
            question=question,
            found=bool(qualifying),
            hits=hits,
            corrected_terms=query.corrected,
            terms=terms,
            more=len(qualifying) > offset + k,
            words=query.words,
            context=words,
            source=source,
        )

    def _carried(self, context: Sequence[str], own: tuple[str, ...]) -> list[tuple[str, str]]:
        """Return (term, word) for the context words the sources use and the question lacks."""
        tokenizer = self.index.tokenizer
        carried: list[tuple[str, str]] = []
        for word in context:
            term = tokenizer.term(word)
            known = term and term not in own and self.index.knows(term)
            if known and all(term != t for t, _ in carried):
                carried.append((term, word))
        return carried

    def _counts(self, matched: set[str], own: tuple[str, ...], terms: tuple[str, ...]) -> bool:
        """Say whether a passage matching `matched` answers the question (see the docstring)."""
        least = self.settings.min_coverage
        if len(terms) == len(own) or not own:
            return self._share(matched, terms) >= least
        if not any(t in matched for t in own):
            return False
        return self._share(matched, own) >= least or self._share(matched, terms) >= least

    def _select(
        self,
        candidates: list[Scored],
        own: tuple[str, ...],
        terms: tuple[str, ...],
        wanted: int,
    ) -> list[Scored]:
        chosen: list[Scored] = []
        seen_paragraphs: set[tuple[str, int]] = set()
        seen_texts: set[str] = set()
        for scored in candidates:
            p = scored.passage
            if not self._counts(self.index.indexed_terms(p), own, terms):
                continue
            if scored.score < self.settings.min_score:
                continue
            if (p.source, p.paragraph) in seen_paragraphs:
                continue  # two parts of one paragraph: the better one stands for it
            key = repeat_key(self.index.paragraph_text(p.source, p.paragraph))
            if key in seen_texts:
                continue  # the same text in two sources is shown once
            seen_paragraphs.add((p.source, p.paragraph))
            seen_texts.add(key)
            chosen.append(scored)
            if len(chosen) >= wanted:
                break
        return chosen

    def _hit(self, rank: int, scored: Scored, terms: tuple[str, ...], within: int) -> Hit:
        p = scored.passage
        paragraph = self.index.paragraph_text(p.source, p.paragraph)
        quote = best_quote(
            paragraph if len(paragraph) <= MAX_QUOTED_PARAGRAPH_CHARS else p.text,
            set(terms),
            self.index.idf,
            self.index.tokenizer,
            self.settings.max_quote_sentences,
        )
        meta = self.index.meta(p.source)
        link = quote_link(
            meta.url,
            quote.text,
            paragraph,
            p.page,
            lambda: self.index.text_before(p.source, p.paragraph, BEFORE_CHARS),
        )
        return Hit(
            rank=rank,
            passage=p,
            meta=meta,
            score=round(scored.score, 4),
            quote=quote,
            paragraph_text=paragraph,
            source_number=self.index.source_number(p.source),
            within_source=within,
            link=link,
        )
