"""A question turned into weighted search terms: its language, what it asks for, spelling
corrections, and the words searched as the user wrote them.

The question is tokenized in its language among the sources' (text/langdetect.py). Each term
carries what it counts toward an answer (coverage.py): its weight (idf, or for a word the
sources never use, its rarity in general use in the question's language), whether it counts
at all (answer-type words and interrogatives do not: "what year" names the kind of answer,
which the answering passage rarely repeats), and what a missing name costs. Numbers and
symbols that match nothing ("<3") are dropped. A word the sources never use is searched
without an Arabic proclitic when that form is theirs, and otherwise carries the prefix that
finds its other forms in a passage (variants.py). Question frames ("say", "happen") are searched
only when a question has nothing else, and never in a follow-up (`frames=False`), whose
subject comes from the conversation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from retrieval.answer.answer_type import NOTHING, AskedFor, asked_for, capitalises_nouns
from retrieval.answer.coverage import UNIT_WORD_ZIPF, QuestionTerm, specificity
from retrieval.answer.followups import display_word
from retrieval.answer.spelling import SpellingCorrector
from retrieval.answer.variants import variant_key, without_proclitic
from retrieval.index.search import SearchIndex
from retrieval.text import segment
from retrieval.text.frequency import DEFAULT_LANGUAGE
from retrieval.text.stopwords import QUESTION_FRAMES
from retrieval.text.tokenize import Tokenizer, surface_form

MAX_QUESTION_TERMS = 32
MAX_QUESTION_CHARS = 2000


@dataclass(frozen=True)
class Query:
    """A question turned into search terms, with any spelling corrections."""

    terms: tuple[str, ...]
    corrected: dict[str, str]
    weighted: tuple[QuestionTerm, ...] = ()  # the terms with what each counts toward an answer
    asked: AskedFor = NOTHING
    language: str = DEFAULT_LANGUAGE
    words: frozenset[str] = frozenset()  # every word of the question, case-folded
    shown: tuple[str, ...] = ()  # each term's word as written (corrected where corrected)

    def with_terms(self, extra: tuple[QuestionTerm, ...]) -> Query:
        """Return the query with more terms searched and counted (a follow-up's context)."""
        return Query(
            self.terms + tuple(t.term for t in extra),
            self.corrected,
            self.weighted + extra,
            self.asked,
            self.language,
            self.words,
            self.shown,
        )


@dataclass
class _Parsed:
    terms: list[str] = field(default_factory=list)
    weighted: list[QuestionTerm] = field(default_factory=list)
    shown: list[str] = field(default_factory=list)
    corrected: dict[str, str] = field(default_factory=dict)


def clip(question: str) -> str:
    """Return a very long message cut at a word boundary, so no half word becomes a term."""
    if len(question) <= MAX_QUESTION_CHARS:
        return question
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
    *,
    frames: bool = True,
    general: Callable[[str], float | None] | None = None,
) -> Query:
    """Return the terms to search for question, correcting words the sources never use.

    language: the one its words are weighed in (by default the question's, or English);
    unseen(word) weighs a word the sources never use (default: as the rarest term could);
    tokenizer: the question's, when the caller has it; frames=False: a follow-up;
    general(word): its Zipf frequency in general use (None: no word list), which scales
    every weight by how specific the word is and tells a unit of a script written without
    spaces that is a word ("剧院") from one that straddles two ("院运").
    """
    question = clip(question)
    tokenizer = tokenizer or index.question_tokenizer(question)
    language = language or tokenizer.language or DEFAULT_LANGUAGE
    pairs = [(raw, surface_form(raw)) for raw in tokenizer.raw_tokens(question)]
    asked = asked_for(
        pairs, language, lambda word: not tokenizer.term(word), tokenizer.term, question
    )
    names = not capitalises_nouns(language)
    out = _Parsed()
    framed_only = frames and all(
        word in QUESTION_FRAMES for raw, word in pairs if tokenizer.term(raw)
    )
    for position, (raw, word) in enumerate(pairs):
        term = tokenizer.term(raw)
        frame = word in QUESTION_FRAMES
        if not term or (frame and not (framed_only and index.knows(term))):
            continue
        capital = names and raw[:1].isupper()
        name = capital and position > 0  # the first word is capitalised anyway
        shown = raw
        if not index.knows(term):
            # An Arabic word with a proclitic the stemmer kept ("لأبولو"): the word itself.
            term = without_proclitic(word, language, tokenizer.term, index.knows) or term
        if not index.knows(term) and corrector is not None:
            # A rare capitalised first word ("Puttin?") may be a name too: the corrector
            # leaves common words be.
            fix = corrector.correct(word, language, capital)
            fixed_term = tokenizer.term(fix) if fix else ""
            if fix and fixed_term and index.knows(fixed_term):
                out.corrected[word] = fix
                term, shown = fixed_term, fix
        if term in out.terms:
            continue
        if index.knows(term):
            weight = index.idf(term)
        elif not any(c.isalpha() for c in word):
            continue  # a number or symbol that matches nothing ("<3"): stray, ignored
        else:
            weight = unseen(word) if unseen is not None else index.idf(term)
        counts = not frame and word not in asked.type_words and word not in asked.interrogatives
        if general is not None:
            frequency = general(out.corrected.get(word, word))
            weight *= specificity(frequency)
            if frequency is not None and frequency < UNIT_WORD_ZIPF and segment.is_unit(word):
                counts = False  # a bigram across two words: only counts where a passage has it
        out.terms.append(term)
        out.shown.append(display_word(shown))
        variant = "" if index.knows(term) else variant_key(term, language)
        out.weighted.append(
            QuestionTerm(term, weight, counts, weight * name_weight if name else -1.0, variant)
        )
    if len(out.terms) > MAX_QUESTION_TERMS:
        # Keep the most telling words of a very long message (ties: the earlier word).
        ranked = sorted(range(len(out.terms)), key=lambda i: (-out.weighted[i].weight, i))
        keep = sorted(ranked[:MAX_QUESTION_TERMS])
        out.terms = [out.terms[i] for i in keep]
        out.weighted = [out.weighted[i] for i in keep]
        out.shown = [out.shown[i] for i in keep]
    return Query(
        tuple(out.terms),
        out.corrected,
        tuple(out.weighted),
        asked,
        language,
        frozenset(word for _, word in pairs),
        tuple(out.shown),
    )
