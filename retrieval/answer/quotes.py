"""Choose the quote: the one to three contiguous sentences of a paragraph that best answer.

A window of sentences scores the share of the question's weight whose distinct terms it
contains, plus `KIND_BONUS` when it holds what the question asks for (a number for "how
many", a date for "when", a name for "who", see answer_type.py) in a word the question
does not use; a longer window wins only when it scores more, so quotes stay short, except
that a one-sentence window takes a neighbour that scores the same with it and also uses
the question's words (it is about the same thing; the sentence before often names what the
matching one only refers to). A window that echoes the question (a tenth or more of its
words are the question's) is extended to the next sentence that brings something new,
and a window that lacks what the question asks for reaches to the next sentence that holds
it (else it is extended as a window that echoes, as is one that holds it: a date or a name
of the restating sentence is often not the one asked for): the answer is often the
sentence after the one that restates the question; when the sentence so taken uses none
of the question's words and the one after it does, that one is taken too (the account
goes on there). Words of the source's title or the passage's section count only
`TOPIC_SHARE` of their weight in the choice: they say which source, not which sentence.
The matched words (those too) are marked by character span for the renderers to highlight.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from retrieval.answer.answer_type import NOTHING, AskedFor, capitalises_nouns
from retrieval.model import Quote
from retrieval.text.sentences import sentence_spans
from retrieval.text.tokenize import Tokenizer, surface_form

MAX_QUOTE_CHARS = 700
# Measured on XQuAD (tuning half): see README, "Quotes".
KIND_BONUS = 0.25
# A window a tenth or more of whose words are the question's takes the next sentence (with
# kind questions falling back to it): quote hit given the right paragraph 0.910 -> 0.943
# on XQuAD English's even articles, odd 0.913 -> 0.931 (de, zh, ar, hi: +1 to +3 points
# on each half), 1.65 -> 2.05 sentences on average (README, "Quotes"). A window that holds
# what a kind question asks for takes it too: rank-1 quotes on XQuAD English holding the
# answer when the paragraph is right 0.929 -> 0.943 (even), 0.925 -> 0.931 (odd), every
# other language up or level on both halves, 1.78 -> 2.06 sentences.
ECHO_SHARE = 0.1
# A word of the source's title or the passage's section names what the whole passage is
# about: it says which source, not which sentence, so in choosing the quote it counts this
# share of its weight. XQuAD English, quote hit given the right paragraph: 817 -> 819 of
# 860 (even articles +1, odd +1; 0.5 and 0 are level with 0.25 on the even ones), every
# other language level or up, length unchanged (README, "Quotes").
TOPIC_SHARE = 0.25

_YEAR = re.compile(r"\b(1[0-9]{3}|20[0-9]{2})s?\b")
_DIGIT = re.compile(r"\d")
_MONTHS = frozenset(
    "january february march april may june july august september october november december".split()
)
_DATE_WORDS = frozenset("century centuries decade bc ad bce ce".split())
_NUMBER_WORDS = frozenset(
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy "
    "eighty ninety hundred hundreds thousand thousands million millions billion billions "
    "trillion dozen dozens half twice".split()
)


def mark_terms(text: str, terms: Collection[str], tokenizer: Tokenizer) -> Quote:
    """Return text as a Quote with every occurrence of the terms marked."""
    marks = tuple((s.start, s.end) for s in tokenizer.spans(text) if s.term in terms)
    return Quote(text, marks)


def holds_kind(
    sentence: str,
    asked: AskedFor,
    question_words: Collection[str],
    lang: str,
    tokenizer: Tokenizer,
) -> bool:
    """Say whether a sentence holds what the question asks for, in words it does not use."""
    kind = asked.kind
    if kind is None:
        return False
    raws = tokenizer.raw_tokens(sentence)
    new = [
        (i, raw, word)
        for i, raw in enumerate(raws)
        if (word := surface_form(raw)) not in question_words
    ]
    if kind == "number":
        return any(_DIGIT.search(word) or word in _NUMBER_WORDS for _, _, word in new)
    if kind == "date":
        return any(
            _YEAR.fullmatch(word) or word in _MONTHS or word in _DATE_WORDS for _, _, word in new
        )
    if capitalises_nouns(lang):
        return False  # a capital marks every noun there, not a name
    # A name or a place: a capitalised word the question does not use, not the first word.
    return any(i > 0 and raw[:1].isupper() for i, raw, _ in new)


def _echoes(terms: set[str], found: set[str]) -> bool:
    """Say whether a window's terms are mostly the question's own."""
    return bool(terms) and len(found) >= ECHO_SHARE * len(terms)


@dataclass(frozen=True)
class Sentences:
    """A text's sentences (character spans) and the terms of each."""

    spans: tuple[tuple[int, int], ...]
    terms: tuple[frozenset[str], ...]


def sentences_of(text: str, tokenizer: Tokenizer) -> Sentences:
    """Return the sentences of text with their terms (the whole text when it has none)."""
    spans = tuple(sentence_spans(text, tokenizer.language)) or ((0, len(text)),)
    return Sentences(spans, tuple(frozenset(tokenizer.tokenize(text[a:b])) for a, b in spans))


def best_quote(
    paragraph: str,
    weights: Mapping[str, float],
    tokenizer: Tokenizer,
    max_sentences: int = 3,
    asked: AskedFor = NOTHING,
    question_words: Collection[str] = (),
    lang: str = "en",
    sentences: Sentences | None = None,
    topic: Collection[str] = (),
) -> Quote:
    """Return the best window of up to max_sentences sentences of paragraph, terms marked.

    sentences: the paragraph's, when the caller has them already; topic: the terms of the
    source's title and the passage's section (they count TOPIC_SHARE of their weight).
    """
    parts = sentences or sentences_of(paragraph, tokenizer)
    spans = parts.spans
    texts = [paragraph[a:b] for a, b in spans]
    all_terms = parts.terms
    marked = weights
    weights = {t: w * TOPIC_SHARE if t in topic else w for t, w in weights.items()}
    found = [{t for t in terms if t in weights} for terms in all_terms]
    kinds = [holds_kind(t, asked, question_words, lang, tokenizer) for t in texts]
    total = sum(weights[t] for t in sorted(weights)) or 1.0
    best: tuple[float, int, int] | None = None  # (score, -length, -start) to maximise
    best_window = (0, 1)
    for start in range(len(spans)):
        covered: set[str] = set()
        kind = False
        for size in range(1, max_sentences + 1):
            end = start + size
            if end > len(spans):
                break
            covered |= found[end - 1]
            kind = kind or kinds[end - 1]
            if size > 1 and spans[end - 1][1] - spans[start][0] > MAX_QUOTE_CHARS:
                break
            key = (_window_score(covered, kind, weights, total), -size, -start)
            if best is None or key > best:
                best, best_window = key, (start, end)
    if best is not None and max_sentences > 1:
        best_window = _grow_tied(best_window, best[0], spans, found, kinds, weights, total)
    start, end = _extend(best_window, spans, all_terms, found, kinds, asked, max_sentences)
    text = paragraph[spans[start][0] : spans[end - 1][1]]
    return mark_terms(text, marked, tokenizer)


def _window_score(
    covered: set[str], kind: bool, weights: Mapping[str, float], total: float
) -> float:
    """Return a window's score: the share of the question's weight it covers, plus
    KIND_BONUS when it holds what the question asks for; rounded, so ties are ties."""
    # Summed in a fixed order: a set's order, and so a float sum's last bit, would depend
    # on the hash seed.
    share = sum(weights[t] for t in sorted(covered)) / total
    return round(share + (KIND_BONUS if kind else 0), 9)


def _grow_tied(
    window: tuple[int, int],
    score: float,
    spans: Sequence[tuple[int, int]],
    found: Sequence[set[str]],
    kinds: Sequence[bool],
    weights: Mapping[str, float],
    total: float,
) -> tuple[int, int]:
    """Return a one-sentence window grown to a neighbour that scores the same with it and
    also uses the question's words, the one before first (else the one after).

    The neighbour speaks of the same thing and adds nothing the score sees, so the score
    alone keeps the shorter window; but the answer is often there: the name a "these
    devices" or "the neighborhood" of the matching sentence refers to, or the sentence
    that goes on about it.
    """
    start, end = window
    if end - start != 1:
        return window
    for a, b in ((start - 1, end), (start, end + 1)):
        if a < 0 or b > len(spans) or spans[b - 1][1] - spans[a][0] > MAX_QUOTE_CHARS:
            continue
        if not all(found[a:b]):
            continue
        covered = set().union(*found[a:b])
        if _window_score(covered, any(kinds[a:b]), weights, total) == score:
            return a, b
    return window


def _extend(
    window: tuple[int, int],
    spans: Sequence[tuple[int, int]],
    all_terms: Sequence[frozenset[str]],
    found: Sequence[set[str]],
    kinds: Sequence[bool],
    asked: AskedFor,
    max_sentences: int,
) -> tuple[int, int]:
    """Return the window grown forward to the sentence that answers what it only restates.

    The sentence taken for a window that echoes the question may use none of its words (a
    bridge: "The rate of erosion equaled the uplift..." after the sentence that names the
    Rhine Gorge): when the one after it uses them again, the account goes on there, and it
    is taken too, within max_sentences.
    """
    start, end = window
    if asked.kind is not None and not any(kinds[start:end]):
        for stop in range(end + 1, min(start + max_sentences, len(spans)) + 1):
            if spans[stop - 1][1] - spans[start][0] > MAX_QUOTE_CHARS:
                break
            if kinds[stop - 1]:
                return start, stop
        # Nothing within reach holds it (a kind the checks miss): as for any question.
    # A window that holds a word of the kind asked for may hold the wrong one ("1817" for
    # when the exchange was re-established; "two trustees" for how many quadrangles): if it
    # echoes the question, the next sentence is taken as for any question.
    terms = set().union(*all_terms[start:end])
    matched = set().union(*found[start:end])
    if end < len(spans) and end - start < max_sentences and _echoes(terms, matched):
        new = all_terms[end] - matched
        if new and spans[end][1] - spans[start][0] <= MAX_QUOTE_CHARS:
            return _bridge(start, end + 1, spans, found, max_sentences)
    return window


# The bridge: XQuAD English quote hit given the right paragraph 819 -> 823 of 860 (even
# articles level, odd +4), every other language level or up on both halves (es +5, hi +3,
# de +2, tr +2), 2.37 -> 2.42 sentences (412 -> 420 characters) on average: about 2.5
# times the hits per added sentence of growing every quote to three sentences.
def _bridge(
    start: int,
    end: int,
    spans: Sequence[tuple[int, int]],
    found: Sequence[set[str]],
    max_sentences: int,
) -> tuple[int, int]:
    """Return the window (start, end) grown by one more sentence when its last one uses
    none of the question's words and the next one does."""
    if found[end - 1] or end >= len(spans) or end - start >= max_sentences:
        return start, end
    if found[end] and spans[end][1] - spans[start][0] <= MAX_QUOTE_CHARS:
        return start, end + 1
    return start, end
