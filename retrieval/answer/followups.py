"""Follow-up questions: what an earlier question (or a quoted text) lends to a new message,
and whether a message leans on the one before it. Pure functions of the index: the same
texts give the same words in every process.

The words carried are the rarest (highest idf) of the earlier text's words that the sources
use, never stopwords or question frames ("say", "discuss"): its subject, not its filler.
A message leans on the previous one when it has no words of its own to search ("why?"), or
has few (at most MAX_LEANING_TERMS) and opens like a continuation ("and Iran?", "what
about Syria?") or points back with a pronoun ("Did they expect ...?").
"""

from __future__ import annotations

from retrieval.index.search import SearchIndex
from retrieval.text.stopwords import (
    ANAPHORA,
    FOLLOWUP_OPENER_PAIRS,
    FOLLOWUP_OPENERS,
    QUESTION_FRAMES,
)
from retrieval.text.tokenize import surface_form

MAX_LEANING_TERMS = 3
_APOSTROPHES = "'’ʼ"


def display_word(raw: str) -> str:
    """Return a word as written, without a possessive ending ("Kerry’s" -> "Kerry")."""
    for a in _APOSTROPHES:
        if raw.endswith(a + "s") or raw.endswith(a + "S"):
            return raw[:-2]
    return raw


def carried_words(index: SearchIndex, text: str, limit: int) -> tuple[str, ...]:
    """Return up to `limit` words of text that name its subject: the rarest by idf among the
    words the sources use (no stopwords, no question frames), one per term, in text order."""
    if limit <= 0:
        return ()
    tokenizer = index.question_tokenizer(text)
    words: dict[str, str] = {}  # term -> the word as written
    for raw in tokenizer.raw_tokens(text):
        if surface_form(raw) in QUESTION_FRAMES:
            continue
        term = tokenizer.term(raw)
        if term and term not in words and index.knows(term):
            words[term] = display_word(raw)
    # sorted() is stable: equally rare words keep their order in the text.
    keep = set(sorted(words, key=index.idf, reverse=True)[:limit])
    return tuple(word for term, word in words.items() if term in keep)


def leans_on_previous(index: SearchIndex, message: str) -> bool:
    """Say whether a message reads as a follow-up to the one before it."""
    tokenizer = index.question_tokenizer(message)
    folded = tokenizer.words(message)
    if not folded:
        return False  # no words at all ("?!"): nothing to continue
    own = {t for t in tokenizer.terms(tokenizer.raw_tokens(message)) if t}
    own -= {tokenizer.term(w) for w in folded if w in QUESTION_FRAMES}
    if not own:
        return True  # "why?", "how so?": only the earlier question gives it a subject
    if len(own) > MAX_LEANING_TERMS:
        return False
    if folded[0] in FOLLOWUP_OPENERS or tuple(folded[:2]) in FOLLOWUP_OPENER_PAIRS:
        return True
    return any(w in ANAPHORA for w in folded)
