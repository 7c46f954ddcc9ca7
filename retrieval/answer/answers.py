"""Answer a question from the index: the best passages, each with a quote and citation.

The question is tokenized like the passages; words the sources never use are corrected
when they look misspelled. A passage counts as an answer only when it matches at least
`answers.min_coverage` of the question's weight (the idf of its terms, unseen terms
weighing most), so a question the sources do not address gets `found = False` instead of
unrelated quotes. The same text from two sources is shown once.
"""

from __future__ import annotations

from dataclasses import dataclass

from retrieval.answer.quotes import best_quote
from retrieval.answer.spelling import SpellingCorrector
from retrieval.index.search import Scored, SearchIndex
from retrieval.model import Answer, Hit
from retrieval.settings import AnswerSettings
from retrieval.text.repeats import repeat_key
from retrieval.text.stopwords import QUESTION_FRAMES

MAX_QUESTION_TERMS = 32
MAX_QUESTION_CHARS = 2000
# A paragraph longer than this (a dump with no blank lines) is quoted from the matching
# passage alone: scoring every sentence of megabytes would take seconds per question.
MAX_QUOTED_PARAGRAPH_CHARS = 20_000


@dataclass(frozen=True)
class Query:
    """A question turned into search terms, with any spelling corrections."""

    terms: tuple[str, ...]
    corrected: dict[str, str]


def parse_question(index: SearchIndex, question: str, corrector: SpellingCorrector | None) -> Query:
    """Return the terms to search for question, correcting words the sources never use."""
    tokenizer = index.question_tokenizer(question)
    terms: list[str] = []
    corrected: dict[str, str] = {}
    if len(question) > MAX_QUESTION_CHARS:
        # Cut a very long message at a word boundary, so no half word becomes a term.
        cut = question[:MAX_QUESTION_CHARS]
        question = cut[: cut.rfind(" ")] if " " in cut else cut
    for word in tokenizer.words(question):
        term = tokenizer.term(word)
        if not term or (word in QUESTION_FRAMES and not index.knows(term)):
            continue
        if not index.knows(term) and corrector is not None:
            fix = corrector.correct(word)
            fixed_term = tokenizer.term(fix) if fix else ""
            if fix and fixed_term and index.knows(fixed_term):
                corrected[word] = fix
                term = fixed_term
        if term not in terms:
            terms.append(term)
    if len(terms) > MAX_QUESTION_TERMS:
        # Keep the most telling words of a very long message.
        keep = set(sorted(terms, key=index.idf, reverse=True)[:MAX_QUESTION_TERMS])
        terms = [t for t in terms if t in keep]
    return Query(tuple(terms), corrected)


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
        total = sum(self.index.idf(t) for t in terms)
        if total <= 0:
            return 0.0
        matched = self.index.indexed_terms(scored.passage)
        return sum(self.index.idf(t) for t in terms if t in matched) / total

    def answer(self, question: str, top_k: int | None = None, offset: int = 0) -> Answer:
        """Return up to top_k hits for question, skipping the first `offset` ones."""
        k = top_k or self.settings.top_k
        query = parse_question(self.index, question, self.corrector)
        if not query.terms:
            return Answer(question, False, (), query.corrected, query.terms)
        wanted = offset + k + 1
        candidates = self.index.search(query.terms, wanted * 3 + 10)
        qualifying = self._select(candidates, query.terms, wanted)
        page = qualifying[offset : offset + k]
        hits = tuple(self._hit(rank, s, query.terms) for rank, s in enumerate(page, offset + 1))
        return Answer(
            question=question,
            found=bool(qualifying),
            hits=hits,
            corrected_terms=query.corrected,
            terms=query.terms,
            more=len(qualifying) > offset + k,
        )

    def _select(
        self, candidates: list[Scored], terms: tuple[str, ...], wanted: int
    ) -> list[Scored]:
        chosen: list[Scored] = []
        seen_paragraphs: set[tuple[str, int]] = set()
        seen_texts: set[str] = set()
        for scored in candidates:
            p = scored.passage
            if self.coverage(scored, terms) < self.settings.min_coverage:
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

    def _hit(self, rank: int, scored: Scored, terms: tuple[str, ...]) -> Hit:
        p = scored.passage
        paragraph = self.index.paragraph_text(p.source, p.paragraph)
        quote = best_quote(
            paragraph if len(paragraph) <= MAX_QUOTED_PARAGRAPH_CHARS else p.text,
            set(terms),
            self.index.idf,
            self.index.source_tokenizer(p.source),
            self.settings.max_quote_sentences,
        )
        return Hit(
            rank=rank,
            passage=p,
            meta=self.index.meta(p.source),
            score=round(scored.score, 4),
            quote=quote,
            paragraph_text=paragraph,
            source_number=self.index.source_number(p.source),
        )
