"""A question word the sources never use in its own form, matched to the form they use.

Snowball stemmers miss much of the morphology of richly inflected languages: Turkish
"borsasına" and "borsası" stem to "borsa" and "borsas", Russian "поправки" and "поправок"
to "поправк" and "поправок", Arabic "موجات" and "الموجات" to "موجا" and "موج". On XQuAD,
about half of the answerable questions the not-found rule refused in Arabic, Turkish,
German, Greek and Russian lacked a word the answering paragraph has in another form
(README, "Not found"). Two remedies, both only for a word whose term the sources never use:

- Arabic proclitics: the conjunctions و and ف, the prepositions ب, ك and ل, the article ال
  and their combinations (the prefix set of light stemmers such as Larkey's light10) are
  taken off the word when what is left is a word the sources use ("لأبولو" -> "أبولو");
  Snowball's Arabic stemmer keeps them in many words ("والمقاتل", "لناسا").
- Stem variants: the term's first `PREFIX` letters (truncation, which matches Snowball
  across European languages in McNamee, Nicholas and Mayfield's 2009 study) find the
  passage's terms of the same word; a passage with one counts the question term matched at
  `CREDIT` of its weight (coverage.py), as a variant is often the same word but sometimes
  only a relative ("natur" of nature and naturalised).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable

from retrieval.languages import LANGUAGES

PREFIX = 5
# Half credit: on XQuAD's even articles, full credit kept more answerable questions but
# refused 4-8 points fewer off-topic ones; half kept most of the gain at about a point.
CREDIT = 0.5
# Longest first, so "وال" goes before "و". Each leaves at least MIN_STEM letters.
ARABIC_PROCLITICS = ("وال", "فال", "بال", "كال", "لل", "ال", "و", "ف", "ب", "ك", "ل")
MIN_STEM = 3


def variant_key(term: str, language: str) -> str:
    """Return the prefix that finds a term's variants ("" when it has none to look for).

    Only in languages written in words (not bigrams or syllables) and for terms of
    letters at least PREFIX long: a short stem's prefix is the whole of many words.
    """
    spec = LANGUAGES.get(language)
    if spec is not None and not spec.word_tokens:
        return ""
    if len(term) < PREFIX or any(c.isdigit() for c in term):
        return ""
    return term[:PREFIX]


def without_proclitic(
    word: str, language: str, term: Callable[[str], str], known: Callable[[str], bool]
) -> str:
    """Return the term of an Arabic word without its proclitic, when the sources use it
    ("" when the language has none or no shorter form is a word of the sources)."""
    if language != "ar":
        return ""
    for clitic in ARABIC_PROCLITICS:
        if word.startswith(clitic) and len(word) - len(clitic) >= MIN_STEM:
            found = term(word[len(clitic) :])
            if found and known(found):
                return found
    return ""


def matched_variants(keys: Iterable[tuple[str, str]], terms: Collection[str]) -> set[str]:
    """Return the question terms (of (term, key) pairs) that terms has a variant of."""
    keys = [(t, k) for t, k in keys if t not in terms]
    if not keys:
        return set()
    prefixes = tuple(k for _, k in keys)
    starts = {x[:PREFIX] for x in terms if x.startswith(prefixes)}
    return {t for t, k in keys if k in starts}
