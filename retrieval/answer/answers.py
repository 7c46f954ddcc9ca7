"""Answer a question from the index: the best passages, each with a quote and citation.

The question becomes weighted terms (query.py). A passage counts as an answer only when it
supports at least `answers.min_coverage` of the question (coverage.py), so a question the
sources do not address gets `found = False` instead of unrelated quotes; the first page is
reordered by how well each passage's own text answers. The same text from two sources is
shown once.

A follow-up brings words of an earlier question (`context`): they are searched with the
question's own words, and a passage counts when it matches one of the question's own words
and supports enough of them, or of them with the carried ones (a message with no words of
its own is answered from the context alone). A search may be scoped to one source. Each hit
gets the link to its quote's place in the original (locators.py).
"""

from __future__ import annotations

import functools
import math
from collections import Counter
from collections.abc import Callable, Sequence

from retrieval.answer.coverage import (
    SAMPLE_WORDS,
    QuestionTerm,
    RarityScale,
    proximity_needed,
    support,
)
from retrieval.answer.locators import BEFORE_CHARS, quote_link
from retrieval.answer.query import Query, clip, parse_question
from retrieval.answer.quotes import Sentences, best_quote, holds_kind, sentences_of
from retrieval.answer.rarity_file import read_scale, scale_key, write_scale
from retrieval.answer.spelling import SpellingCorrector
from retrieval.answer.variants import matched_variants
from retrieval.index.search import Scored, SearchIndex
from retrieval.model import Answer, Hit, Passage
from retrieval.settings import AnswerSettings
from retrieval.text.frequency import DEFAULT_LANGUAGE, load_table, zipf
from retrieval.text.langdetect import foreign_language
from retrieval.text.repeats import repeat_key
from retrieval.text.tokenize import Tokenizer

# A paragraph longer than this (a dump with no blank lines) is quoted from the matching
# passage alone: scoring every sentence of megabytes would take seconds per question.
MAX_QUOTED_PARAGRAPH_CHARS = 20_000
# A first-page hit that holds what the question asks for (a date for "when"...) ranks as if
# its BM25 score were this much higher: +0.1 point of XQuAD paragraph top-1, tuning half.
KIND_BOOST = 1.2


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

    def warm(self) -> None:
        """Do now what every question would otherwise wait for: the frequency table and
        the rarity scale (at a million sources, a noticeable part of a second)."""
        self.rarity  # noqa: B018 - computed and kept
        load_table(self.index.main_language or DEFAULT_LANGUAGE)  # read, if the scale was

    def warm_rest(self) -> None:
        """Do now what some questions would wait for: the spelling vocabulary (a word to
        correct), wordfreq itself (a number to weigh)."""
        if self.corrector is not None:
            self.corrector.prepare()
        zipf("2015", DEFAULT_LANGUAGE)

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
        An index loaded from a folder keeps it there for the next start (rarity_file.py).
        """
        language = self.index.main_language or DEFAULT_LANGUAGE
        version = self.index.saved_in
        key = scale_key(version, language) if version is not None else None
        if version is not None and key is not None:
            saved = read_scale(version, key)
            if saved is not None:
                return saved
        scale = self._fitted_rarity(language)
        if version is not None and key is not None:
            write_scale(version, key, scale)
        return scale

    def _fitted_rarity(self, language: str) -> RarityScale:
        index = self.index
        vocab = index.vocab
        step = max(len(vocab.terms) // SAMPLE_WORDS, 1)
        sample = [i for i in range(0, len(vocab.terms), step) if vocab.surface[i].isalpha()]
        freqs = index.doc_freqs([vocab.terms[i] for i in sample])
        pairs: list[tuple[float, float]] = []
        for i, df in zip(sample, freqs, strict=True):
            word = vocab.surface[i]
            if not df:
                continue  # terms only a left-out source had (numbers are not sampled)
            z = zipf(word, language)
            if z is None:
                break  # no word list for the language: every unseen word weighs most
            pairs.append((z, index.idf_of(df)))
        rarest = math.log1p((len(index) - 0.5) / 1.5)  # a term in one passage
        return RarityScale(pairs, rarest)

    def parse(self, question: str, frames: bool = True) -> Query:
        """Return the search terms of question, weighed for the not-found rule.

        A question in none of the sources' languages is weighed in the main one: its
        words are then unheard of there, and it is not found (no cross-language matching).
        frames=False: a follow-up (see query.py).
        """
        tokenizer = self.index.question_tokenizer(clip(question))
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
            frames=frames,
            general=lambda word: zipf(word, language),
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
        keys = [(t.term, t.variant) for t in query.weighted if t.variant]
        variants = matched_variants(keys, indexed) if keys else set()
        if variants:
            indexed = indexed | variants
        if not exact:
            coverage = support(query.weighted, indexed, (), (), 1, 0.0, variants)
            needed = proximity_needed(coverage, settings.min_coverage, settings.proximity)
            if needed <= 0 or needed > coverage:
                return coverage  # qualifies (or fails) whatever its sentences say
        wanted = {t.term for t in query.weighted}
        sentences = [wanted.intersection(terms) for terms in self.sentences(passage).terms]
        if variants:
            found = [(t, k) for t, k in keys if t in variants]
            sentences = [
                own | matched_variants(found, terms)
                for own, terms in zip(sentences, self.sentences(passage).terms, strict=True)
            ]
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
            variants,
        )

    def _context_terms(self, passage: Passage) -> set[str]:
        """Return the terms a passage is indexed under for its section and title."""
        opts = self.index.settings
        tokenize = self._tokenizer(passage.source).tokenize
        terms: set[str] = set()
        if passage.section and opts.section_weight > 0:
            terms.update(tokenize(passage.section))
        title = self.index.meta(passage.source).searchable_title
        if opts.title_weight > 0 and title:
            terms.update(tokenize(title))
        return terms

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
        own = self.parse(question, frames=not context)
        carried = self._carried(context, own)
        query = own.with_terms(tuple(t for t, _ in carried))
        shown = tuple(w for _, w in carried)
        if not query.terms:
            return self._not_found(question, own)
        wanted = max(offset + k + 1, self.settings.top_k + 1)
        pool = wanted * 3 + 10
        if source is None:
            candidates = self.index.search(query.terms, pool)
        else:
            candidates = self.index.search_within(query.terms, pool, source)
        qualifying = self._rerank(self._select(candidates, own, query, wanted), query)
        if not qualifying:
            return self._not_found(question, own, query.terms, shown, source)
        ranks = Counter[str]()
        within = []
        for scored in qualifying[: offset + k]:
            ranks[scored.passage.source] += 1
            within.append(ranks[scored.passage.source])
        page = qualifying[offset : offset + k]
        hits = tuple(
            self._hit(rank, s, query, within[rank - 1]) for rank, s in enumerate(page, offset + 1)
        )
        return Answer(
            question=question,
            found=bool(qualifying),
            hits=hits,
            corrected_terms=own.corrected,
            terms=query.terms,
            more=len(qualifying) > offset + k,
            words=own.shown,
            context=shown,
            source=source,
            language=own.language,
            source_languages=self.index.languages,
        )

    def _not_found(
        self,
        question: str,
        own: Query,
        terms: tuple[str, ...] = (),
        context: tuple[str, ...] = (),
        source: int | None = None,
    ) -> Answer:
        """Return the answer "not found", saying whether the question is written in none
        of the sources' languages (judged only here: it may load py3langid's model)."""
        languages = self.index.languages
        foreign = foreign_language(clip(question), languages) if languages else None
        return Answer(
            question,
            False,
            (),
            own.corrected,
            terms,
            words=own.shown,
            context=context,
            source=source,
            language=foreign or own.language,
            source_languages=languages,
            language_mismatch=foreign is not None,
        )

    def _carried(self, context: Sequence[str], own: Query) -> list[tuple[QuestionTerm, str]]:
        """Return the context words the sources use and the question lacks, as terms that
        count toward an answer (weighed by idf, as names are not), with the words."""
        if not context:
            return []
        tokenizer = self.index.question_tokenizer(" ".join(context))
        carried: list[tuple[QuestionTerm, str]] = []
        for word in context:
            term = tokenizer.term(word)
            known = term and term not in own.terms and self.index.knows(term)
            if known and all(term != t.term for t, _ in carried):
                carried.append((QuestionTerm(term, self.index.idf(term), True, -1.0), word))
        return carried

    def _counts(self, passage: Passage, own: Query, query: Query) -> bool:
        """Say whether a passage answers: it supports enough of the question (coverage.py);
        in a follow-up it matches one of the question's own words and supports enough of
        them or of them with the carried ones (a message with no words of its own, "why?",
        is answered from the carried ones alone)."""
        least = self.settings.min_coverage
        if len(query.terms) == len(own.terms) or not own.terms:
            return self._support(passage, query, exact=False) >= least
        indexed = self.index.indexed_terms(passage)
        if not any(t in indexed for t in own.terms):
            return False
        return (
            self._support(passage, own, exact=False) >= least
            or self._support(passage, query, exact=False) >= least
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

    def _select(
        self, candidates: list[Scored], own: Query, query: Query, wanted: int
    ) -> list[Scored]:
        chosen: list[Scored] = []
        seen_paragraphs: set[tuple[str, int]] = set()
        seen_texts: set[str] = set()
        for scored in candidates:
            p = scored.passage
            if scored.score < self.settings.min_score:
                continue
            if not self._counts(p, own, query):
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

    def _hit(self, rank: int, scored: Scored, query: Query, within: int) -> Hit:
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
            self._context_terms(p),
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
