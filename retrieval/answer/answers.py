"""Answer a question from the index: the best passages, each with a quote and citation.

The question is tokenized like the passages, in the language it is written in; words the
sources never use are corrected when they look misspelled. A passage counts as an answer
only when it supports at least `answers.min_coverage` of the question (coverage.py), so a
question the sources do not address gets `found = False` instead of unrelated quotes.
The same text from two sources is shown once.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field

from retrieval.answer.answer_type import NOTHING, AskedFor, asked_for, capitalises_nouns
from retrieval.answer.coverage import (
    SAMPLE_WORDS,
    QuestionTerm,
    RarityScale,
    proximity_needed,
    support,
)
from retrieval.answer.quotes import Sentences, best_quote, holds_kind, sentences_of
from retrieval.answer.spelling import SpellingCorrector
from retrieval.index.search import Scored, SearchIndex
from retrieval.model import Answer, Hit, Passage
from retrieval.settings import AnswerSettings
from retrieval.text.frequency import DEFAULT_LANGUAGE, zipf
from retrieval.text.repeats import repeat_key
from retrieval.text.stopwords import QUESTION_FRAMES
from retrieval.text.tokenize import Tokenizer, surface_form

MAX_QUESTION_TERMS = 32
MAX_QUESTION_CHARS = 2000
# A paragraph longer than this (a dump with no blank lines) is quoted from the matching
# passage alone: scoring every sentence of megabytes would take seconds per question.
MAX_QUOTED_PARAGRAPH_CHARS = 20_000
# A first-page hit that holds what the question asks for (a date for "when"...) ranks as if
# its BM25 score were this much higher: +0.1 point of XQuAD paragraph top-1, tuning half.
KIND_BOOST = 1.2


@dataclass(frozen=True)
class Query:
    """A question turned into search terms, with any spelling corrections."""

    terms: tuple[str, ...]
    corrected: dict[str, str]
    weighted: tuple[QuestionTerm, ...] = ()  # the terms with what each counts toward an answer
    asked: AskedFor = NOTHING
    language: str = DEFAULT_LANGUAGE
    words: frozenset[str] = frozenset()  # every word of the question, case-folded


@dataclass
class _Parsed:
    terms: list[str] = field(default_factory=list)
    weighted: list[QuestionTerm] = field(default_factory=list)
    corrected: dict[str, str] = field(default_factory=dict)


def _clip(question: str) -> str:
    if len(question) <= MAX_QUESTION_CHARS:
        return question
    # Cut a very long message at a word boundary, so no half word becomes a term.
    cut = question[:MAX_QUESTION_CHARS]
    return cut[: cut.rfind(" ")] if " " in cut else cut


def parse_question(
    index: SearchIndex,
    question: str,
    corrector: SpellingCorrector | None,
    language: str | None = None,
    name_weight: float = 1.0,
    unseen: Callable[[str], float] | None = None,
    tokenizer: Tokenizer | None = None,
) -> Query:
    """Return the terms to search for question, correcting words the sources never use.

    The question is tokenized in its language among the sources' (language: the one its
    words are weighed in, by default that one or English). unseen(word) weighs a word the
    sources never use (default: as the rarest term could); tokenizer: the question's, when
    the caller has it.
    """
    question = _clip(question)
    tokenizer = tokenizer or index.question_tokenizer(question)
    language = language or tokenizer.language or DEFAULT_LANGUAGE
    pairs = [(raw, surface_form(raw)) for raw in tokenizer.raw_tokens(question)]
    asked = asked_for(pairs, language, lambda word: not tokenizer.term(word))
    names = not capitalises_nouns(language)
    out = _Parsed()
    # Verbs that frame a question ("When did the visit happen?") are searched only when
    # the question has nothing else, and never count against a passage.
    framed_only = all(word in QUESTION_FRAMES for raw, word in pairs if tokenizer.term(raw))
    for position, (raw, word) in enumerate(pairs):
        term = tokenizer.term(raw)
        frame = word in QUESTION_FRAMES
        if not term or (frame and not (framed_only and index.knows(term))):
            continue
        capital = names and raw[:1].isupper()
        name = capital and position > 0  # the first word is capitalised anyway
        if not index.knows(term) and corrector is not None:
            # A rare capitalised first word ("Puttin?") may be a name too: the corrector
            # leaves common words be.
            fix = corrector.correct(word, language, capital)
            fixed_term = tokenizer.term(fix) if fix else ""
            if fix and fixed_term and index.knows(fixed_term):
                out.corrected[word] = fix
                term = fixed_term
        if term in out.terms:
            continue
        if index.knows(term):
            weight = index.idf(term)
        elif not any(c.isalpha() for c in word):
            continue  # a number or symbol that matches nothing ("<3"): stray, ignored
        else:
            weight = unseen(word) if unseen is not None else index.idf(term)
        counts = not frame and word not in asked.type_words and word not in asked.interrogatives
        out.terms.append(term)
        out.weighted.append(
            QuestionTerm(term, weight, counts, weight * name_weight if name else -1.0)
        )
    if len(out.terms) > MAX_QUESTION_TERMS:
        # Keep the most telling words of a very long message (ties: the earlier word).
        ranked = sorted(range(len(out.terms)), key=lambda i: (-out.weighted[i].weight, i))
        keep = sorted(ranked[:MAX_QUESTION_TERMS])
        out.terms = [out.terms[i] for i in keep]
        out.weighted = [out.weighted[i] for i in keep]
    return Query(
        tuple(out.terms),
        out.corrected,
        tuple(out.weighted),
        asked,
        language,
        frozenset(word for _, word in pairs),
    )


class Answerer:
    """Answers questions from one index with fixed settings; safe to share across tasks."""

    def __init__(self, index: SearchIndex, settings: AnswerSettings) -> None:
        self.index = index
        self.settings = settings
        # A passage's sentences are needed by the not-found rule, the first-page order and
        # the quote, often for the same passage: split and tokenized once.
        self._sentences: Callable[[str, str | None], Sentences] = functools.lru_cache(maxsize=1024)(
            lambda text, language: sentences_of(text, index.tokenizer.for_language(language))
        )
        self.corrector = (
            SpellingCorrector(
                index.surface_words, settings.spelling_max_zipf, settings.spelling_valid_zipf
            )
            if settings.spelling
            else None
        )

    def sentences(self, passage: Passage | str, source: str | None = None) -> Sentences:
        """Return the sentences of a passage (or of a text of the source), split and
        tokenized in the source's language, once."""
        text = passage if isinstance(passage, str) else passage.text
        name = source if isinstance(passage, str) else passage.source
        return self._sentences(text, self.index.source_language(name) if name else None)

    def _tokenizer(self, source: str) -> Tokenizer:
        return self.index.source_tokenizer(source)

    @functools.cached_property
    def rarity(self) -> RarityScale:
        """Return how words of each general frequency weigh in these sources.

        Fitted once, on a sample of the sources' words in their main language: the Zipf
        scale is the same for every language, so a question in another one uses it too.
        """
        index, language = self.index, self.index.main_language or DEFAULT_LANGUAGE
        vocab = index.vocab
        step = max(len(vocab.terms) // SAMPLE_WORDS, 1)
        pairs: list[tuple[float, float]] = []
        for i in range(0, len(vocab.terms), step):
            word = vocab.surface[i]
            if not word.isalpha() or not index.knows(vocab.terms[i]):
                continue  # numbers, and terms only a left-out source had
            z = zipf(word, language)
            if z is None:
                break  # no word list for the language: every unseen word weighs most
            pairs.append((z, index.idf(vocab.terms[i])))
        rarest = math.log1p((len(index) - 0.5) / 1.5)  # a term in one passage
        return RarityScale(pairs, rarest)

    def parse(self, question: str) -> Query:
        """Return the search terms of question, weighed for the not-found rule.

        A question in none of the sources' languages is weighed in the main one: its
        words are then unheard of there, and it is not found (no cross-language matching).
        """
        tokenizer = self.index.question_tokenizer(_clip(question))
        language = tokenizer.language or self.index.main_language or DEFAULT_LANGUAGE
        scale = self.rarity
        return parse_question(
            self.index,
            question,
            self.corrector,
            language,
            self.settings.name_weight,
            lambda word: scale.weight(zipf(word, language)),
            tokenizer,
        )

    def support(self, passage: Passage, query: Query) -> float:
        """Return the share of the question a passage supports (see coverage.py)."""
        return self._support(passage, query, exact=True)

    def _support(
        self, passage: Passage, query: Query, exact: bool, text_only: bool = False
    ) -> float:
        """Return a passage's support; not exact: only right about the threshold.

        text_only: the passage's text alone, its title and section left out.
        """
        settings = self.settings
        indexed = self.index.indexed_terms(passage)
        if not exact:
            coverage = support(query.weighted, indexed, (), (), 1, 0.0)
            needed = proximity_needed(coverage, settings.min_coverage, settings.proximity)
            if needed <= 0 or needed > coverage:
                return coverage  # qualifies (or fails) whatever its sentences say
        wanted = {t.term for t in query.weighted}
        sentences = [wanted.intersection(terms) for terms in self.sentences(passage).terms]
        context: set[str] = set()
        if text_only:
            indexed = set().union(*sentences)
        else:
            context = wanted.intersection(self._context_terms(passage))
        return support(
            query.weighted,
            indexed,
            sentences,
            context,
            settings.proximity_sentences,
            settings.proximity,
        )

    def _context_terms(self, passage: Passage) -> set[str]:
        """Return the terms a passage is indexed under for its section and title."""
        opts = self.index.settings
        tokenize = self._tokenizer(passage.source).tokenize
        terms: set[str] = set()
        if passage.section and opts.section_weight > 0:
            terms.update(tokenize(passage.section))
        if opts.title_weight > 0:
            terms.update(tokenize(self.index.meta(passage.source).title))
        return terms

    def answer(self, question: str, top_k: int | None = None, offset: int = 0) -> Answer:
        """Return up to top_k hits for question, skipping the first `offset` ones."""
        k = top_k or self.settings.top_k
        query = self.parse(question)
        if not query.terms:
            return Answer(question, False, (), query.corrected, query.terms)
        wanted = max(offset + k + 1, self.settings.top_k + 1)
        candidates = self.index.search(query.terms, wanted * 3 + 10)
        qualifying = self._rerank(self._select(candidates, query, wanted), query)
        page = qualifying[offset : offset + k]
        hits = tuple(self._hit(rank, s, query) for rank, s in enumerate(page, offset + 1))
        return Answer(
            question=question,
            found=bool(qualifying),
            hits=hits,
            corrected_terms=query.corrected,
            terms=query.terms,
            more=len(qualifying) > offset + k,
        )

    def _rerank(self, qualifying: list[Scored], query: Query) -> list[Scored]:
        """Return the hits with the first top_k + 1 reordered by how well they answer.

        BM25 times the square root of the support of the passage's own text (its title and
        section left out: they match every passage of a source, a bibliography footnote as
        much as the paragraph that answers), times KIND_BOOST when it holds what the
        question asks for. Always the same first top_k + 1, so pages agree.
        """
        head = qualifying[: self.settings.top_k + 1]
        if len(head) < 2:
            return qualifying

        def key(item: tuple[int, Scored]) -> tuple[float, int]:
            rank, scored = item
            p = scored.passage
            value = scored.score * math.sqrt(self._support(p, query, True, text_only=True))
            if query.asked.kind is not None and self._holds_kind(p, query):
                value *= KIND_BOOST
            return (-round(value, 9), rank)

        ordered = [s for _, s in sorted(enumerate(head), key=key)]
        return ordered + qualifying[len(head) :]

    def _holds_kind(self, passage: Passage, query: Query) -> bool:
        text = passage.text
        tokenizer = self._tokenizer(passage.source)
        return any(
            holds_kind(text[a:b], query.asked, query.words, query.language, tokenizer)
            for a, b in self.sentences(passage).spans
        )

    def _select(self, candidates: list[Scored], query: Query, wanted: int) -> list[Scored]:
        chosen: list[Scored] = []
        seen_paragraphs: set[tuple[str, int]] = set()
        seen_texts: set[str] = set()
        for scored in candidates:
            p = scored.passage
            if scored.score < self.settings.min_score:
                continue
            if self._support(p, query, exact=False) < self.settings.min_coverage:
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

    def _hit(self, rank: int, scored: Scored, query: Query) -> Hit:
        p = scored.passage
        paragraph = self.index.paragraph_text(p.source, p.paragraph)
        weights = {t.term: t.weight for t in query.weighted}
        quoted = paragraph if len(paragraph) <= MAX_QUOTED_PARAGRAPH_CHARS else p.text
        quote = best_quote(
            quoted,
            weights,
            self._tokenizer(p.source),
            self.settings.max_quote_sentences,
            query.asked,
            query.words,
            query.language,
            self.sentences(quoted, p.source),
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
