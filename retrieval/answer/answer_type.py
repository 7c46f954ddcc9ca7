"""What a question asks for: its interrogatives, the words naming the kind of answer, and
whether the answer is a number, a date, a name or a place.

"What year did Tesla die?" asks for a date, and "year" only names the kind of answer: the
passage that answers says "1943", not "year". Such words (the content words right after
an interrogative determiner: "what year", "which country", "how many people", or the X
of "what is the X of/for ...") and the interrogatives themselves must not count against a
passage that lacks them. The tables cover the languages whose question words we know;
in any other language nothing is treated specially, which is the old behaviour.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

Kind = Literal["number", "date", "name", "place"]

# Interrogatives by language: word -> the kind of answer it asks for (None: no telling).
_ASKS: dict[str, dict[str, Kind | None]] = {
    "en": {
        "what": None,
        "which": None,
        "whose": "name",
        "who": "name",
        "whom": "name",
        "when": "date",
        "where": "place",
        "why": None,
        "how": None,
    },
    "de": {
        "was": None,
        "welche": None,
        "welcher": None,
        "welches": None,
        "welchen": None,
        "welchem": None,
        "wer": "name",
        "wen": "name",
        "wem": "name",
        "wessen": "name",
        "wann": "date",
        "wo": "place",
        "woher": "place",
        "wohin": "place",
        "warum": None,
        "wieso": None,
        "weshalb": None,
        "wie": None,
    },
    "es": {
        "qué": None,
        "cuál": None,
        "cuáles": None,
        "quién": "name",
        "quiénes": "name",
        "cuándo": "date",
        "dónde": "place",
        "adónde": "place",
        "por": None,
        "cómo": None,
        "cuánto": "number",
        "cuánta": "number",
        "cuántos": "number",
        "cuántas": "number",
    },
    "fr": {
        "que": None,
        "qu": None,
        "quoi": None,
        "quel": None,
        "quelle": None,
        "quels": None,
        "quelles": None,
        "qui": "name",
        "quand": "date",
        "où": "place",
        "pourquoi": None,
        "comment": None,
        "combien": "number",
    },
    "it": {
        "che": None,
        "cosa": None,
        "quale": None,
        "quali": None,
        "chi": "name",
        "quando": "date",
        "dove": "place",
        "perché": None,
        "come": None,
        "quanto": "number",
        "quanta": "number",
        "quanti": "number",
        "quante": "number",
    },
    "pt": {
        "que": None,
        "qual": None,
        "quais": None,
        "quem": "name",
        "quando": "date",
        "onde": "place",
        "porque": None,
        "como": None,
        "quanto": "number",
        "quanta": "number",
        "quantos": "number",
        "quantas": "number",
    },
    "ro": {
        "ce": None,
        "care": None,
        "cine": "name",
        "când": "date",
        "unde": "place",
        "cum": None,
        "cât": "number",
        "câtă": "number",
        "câți": "number",
        "câte": "number",
    },
    "ru": {
        "что": None,
        "какой": None,
        "какая": None,
        "какое": None,
        "какие": None,
        "каком": None,
        "какую": None,
        "каких": None,
        "какого": None,
        "какой-то": None,
        "который": None,
        "которая": None,
        "которое": None,
        "которые": None,
        "кто": "name",
        "кого": "name",
        "кому": "name",
        "чей": "name",
        "чья": "name",
        "когда": "date",
        "где": "place",
        "куда": "place",
        "откуда": "place",
        "почему": None,
        "зачем": None,
        "как": None,
        "сколько": "number",
    },
}
# Interrogatives followed by a word that names the kind of answer ("which country").
_DETERMINERS: dict[str, frozenset[str]] = {
    "en": frozenset("what which whose how".split()),
    "de": frozenset("welche welcher welches welchen welchem wie was".split()),
    "es": frozenset("qué cuál cuáles cuánto cuánta cuántos cuántas".split()),
    "fr": frozenset("quel quelle quels quelles combien".split()),
    "it": frozenset("che quale quali quanto quanta quanti quante".split()),
    "pt": frozenset("que qual quais quanto quanta quantos quantas".split()),
    "ro": frozenset("ce care cât câtă câți câte".split()),
    "ru": frozenset(
        "какой какая какое какие каком какую каких какого который которая которое которые "
        "сколько".split()
    ),
}
# Words between a determiner and the word it governs ("how many", "what kind of").
_FILLERS: dict[str, frozenset[str]] = {
    "en": frozenset("many much of kind kinds type types sort sorts form forms".split()),
    "de": frozenset("viele viel für".split()),
    "es": frozenset("tipo tipos clase de".split()),
    "fr": frozenset("de d type sorte".split()),
    "it": frozenset("tipo di".split()),
    "pt": frozenset("tipo de".split()),
    "ro": frozenset("tip fel de".split()),
    "ru": frozenset("".split()),
}
# "what is the name of X", "what was the term for X": the noun is the kind of answer
# when it names a name (not "what is the population of X", whose answer says population).
_COPULAS: dict[str, frozenset[str]] = {
    "en": frozenset("is was are were the a an".split()),
}
_NAMING_NOUNS: dict[str, frozenset[str]] = {
    "en": frozenset(
        "name names term terms word words title titles nickname type types kind kinds "
        "sort form category".split()
    ),
}
_CLASS_LINKS: dict[str, frozenset[str]] = {
    "en": frozenset("of for called".split()),
}
# Kind words: what "what X" asks for when X is one of these.
_KIND_WORDS: dict[str, dict[str, Kind]] = {
    "en": {
        **dict.fromkeys(
            "year years date dates century centuries decade decades month months day days "
            "time era period age ages".split(),
            "date",
        ),
        **dict.fromkeys(
            "country countries city cities town towns state states region regions place "
            "places location locations continent island islands river rivers province "
            "county street".split(),
            "place",
        ),
        **dict.fromkeys(
            "many much number numbers percentage percent amount amounts population size "
            "long old tall high far large big wide deep heavy often cost price "
            "temperature distance length weight".split(),
            "number",
        ),
        **dict.fromkeys(
            "person people man woman king queen president leader author name names "
            "company organization organisation group team band university".split(),
            "name",
        ),
    },
    "de": {"viele": "number", "viel": "number", "jahr": "date", "land": "place"},
    "es": {"año": "date", "país": "place", "ciudad": "place"},
    "fr": {"année": "date", "an": "date", "pays": "place", "ville": "place"},
    "it": {"anno": "date", "paese": "place", "città": "place"},
    "pt": {"ano": "date", "país": "place", "cidade": "place"},
    "ro": {"an": "date", "anul": "date", "țară": "place", "oraș": "place"},
    "ru": {"год": "date", "году": "date", "года": "date", "страна": "place", "город": "place"},
}
# Languages that capitalise every noun: there a capital does not mark a name.
_NOUNS_CAPITALISED = frozenset({"de", "lb"})
MAX_TYPE_WORDS = 1


@dataclass(frozen=True)
class AskedFor:
    """What a question asks for, in its own (case-folded) words."""

    kind: Kind | None
    type_words: frozenset[str]  # words that name the kind of answer
    interrogatives: frozenset[str]


NOTHING = AskedFor(None, frozenset(), frozenset())


def capitalises_nouns(lang: str) -> bool:
    """Say whether lang capitalises every noun (so a capital does not mark a name)."""
    return lang in _NOUNS_CAPITALISED


def asked_for(
    words: list[tuple[str, str]], lang: str, is_stopword: Callable[[str], bool]
) -> AskedFor:
    """Return what a question asks for, from its words as (raw, case-folded) pairs."""
    asks = _ASKS.get(lang)
    if asks is None:
        return NOTHING
    determiners = _DETERMINERS.get(lang, frozenset())
    fillers = _FILLERS.get(lang, frozenset())
    copulas = _COPULAS.get(lang, frozenset())
    links = _CLASS_LINKS.get(lang, frozenset())
    naming = _NAMING_NOUNS.get(lang, frozenset())
    kinds = _KIND_WORDS.get(lang, {})
    names_capitalised = lang not in _NOUNS_CAPITALISED
    kind: Kind | None = None
    type_words: list[str] = []
    interrogatives: list[str] = []
    folded = [w for _, w in words]
    for i, (_, word) in enumerate(words):
        if word not in asks:
            continue
        interrogatives.append(word)
        kind = kind or asks[word]
        if word not in determiners:
            continue
        j = i + 1
        taken = 0
        while j < len(words) and taken < MAX_TYPE_WORDS + 1:
            raw, nxt = words[j]
            if nxt in fillers:
                if nxt in kinds:
                    kind = kind or kinds[nxt]
                type_words.append(nxt)
                j += 1
                continue
            if nxt in asks or (names_capitalised and raw[:1].isupper()):
                break
            if is_stopword(nxt):
                break
            type_words.append(nxt)
            kind = kind or kinds.get(nxt)
            taken += 1
            if taken >= MAX_TYPE_WORDS:
                break
            j += 1
        # "what is the name of ...": the noun before the link names the kind of answer.
        j = i + 1
        while j < len(folded) and folded[j] in copulas:
            j += 1
        if j > i + 1 and j + 1 < len(folded) and folded[j + 1] in links:
            raw, noun = words[j]
            if noun in naming:
                type_words.append(noun)
                kind = kind or kinds.get(noun)
    return AskedFor(kind, frozenset(type_words), frozenset(interrogatives))
