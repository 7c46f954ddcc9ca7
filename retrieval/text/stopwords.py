"""Stopwords per language: our own English and Russian lists, the `stop-words` package's
for the others it has, none for languages whose tokens are not words (Vietnamese
syllables; bigrams of Chinese, Japanese, Korean and Thai).

`stop-words` was chosen over `stopwordsiso` on XQuAD's paragraph top-1 (better or equal in
de, es, ar, hi, el, tr, ro; its lists are about half as long). Vietnamese is written a
syllable per token and both packages' lists cost it (stop-words 0.895, none 0.912).

"us" is deliberately absent from the English list: after case folding it is also the
country ("U.S." and "US" both become "us"), which matters far more in news text.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from retrieval.languages import LANGUAGES

# Single letters carry no meaning in a question (and come from stray markup like "<b>").
_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz")

ENGLISH: frozenset[str] = _LETTERS | frozenset(
    """
    a about above after again against all also am an and any are aren arent as at be because
    been before being below between both but by can cannot cant could couldn couldnt did didn
    didnt do does doesn doesnt doing don dont down during each either else ever every few for
    from further get gets got had hadn hadnt has hasn hasnt have haven havent having he her here
    hers herself him himself his how however i if in into is isn isnt it its itself just let
    lets ll me might mightn more most much must mustn my myself need no nor not now o of off
    often on once one only or other our ours ourselves out over own per please re s same shall
    shan she should shouldn shouldnt so some such t than that thats the their theirs them
    themselves then there these they this those through thus to too under until up upon ve very
    was wasn wasnt way we were weren werent what whats when where whether which while who whom
    whose why will with within without won wont would wouldn wouldnt yet you your yours
    yourself yourselves d m y ain im ive id youre youve youll theyre weve wed hes shes tell
    """.split()
)

RUSSIAN: frozenset[str] = frozenset(
    """
    и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее
    мне было вот от меня еще нет о из ему теперь когда даже ну вдруг ли если уже или ни быть
    был него до вас нибудь опять уж вам ведь там потом себя ничего ей может они тут где есть
    надо ней для мы тебя их чем была сам чтоб без будто чего раз тоже себе под будет ж тогда
    кто этот того потому этого какой совсем ним здесь этом один почти мой тем чтобы нее сейчас
    были куда зачем всех никогда можно при наконец два об другой хоть после над больше тот
    через эти нас про всего них какая много разве три эту моя впрочем хорошо свою этой перед
    иногда лучше чуть том нельзя такой им более всегда конечно всю между это как каков какие
    """.split()
)

# Verbs that frame a question rather than name its subject ("What did Lavrov say?").
# Dropped from a question only when no passage uses them, so they never block an answer.
QUESTION_FRAMES: frozenset[str] = frozenset(
    """
    say said says saying tell told tells think thought thinks mention mentioned mentions
    discuss discussed discusses talk talked talks describe described explain explained
    write wrote written mean meant means happen happened happens know known sourcebot
    article articles source sources text author writer paper
    """.split()
)


_OURS = {"en": ENGLISH, "ru": RUSSIAN}


@functools.cache
def _package_list(language: str) -> frozenset[str]:
    import stop_words

    try:
        return frozenset(stop_words.get_stop_words(language))
    except stop_words.StopWordError:
        return frozenset()


@functools.cache
def _folded(language: str, fold: Callable[[str], str]) -> frozenset[str]:
    words = _OURS.get(language)
    if words is None:
        spec = LANGUAGES.get(language)
        words = _package_list(language) if spec is not None and spec.word_tokens else frozenset()
    return frozenset(fold(w.casefold().replace("ё", "е")) for w in words)


def for_language(language: str | None, fold: Callable[[str], str]) -> frozenset[str]:
    """Return the stopwords of a language, folded like its words are (`fold`); empty if none."""
    if language is None:
        return frozenset()
    return _folded(language, fold)


# Words that make a short message lean on the one before it (retrieval/answer/followups.py):
# openers that continue a conversation ("and Iran?", "but why?", "what about Syria?") and
# personal and demonstrative pronouns that point back ("Did they expect ...?"). Closed-class
# words of the languages the tokenizer stems, like the stopwords above, matched against a
# message's case-folded words ("that" is left out: it is mostly a conjunction).
FOLLOWUP_OPENERS: frozenset[str] = frozenset(
    "and but also so then or plus и а но еще также тогда".split()
)
FOLLOWUP_OPENER_PAIRS: frozenset[tuple[str, str]] = frozenset(
    {("what", "about"), ("how", "about"), ("что", "насчет"), ("как", "насчет")}
)
ANAPHORA: frozenset[str] = frozenset(
    """
    they them their theirs he him his she her hers it its this these those
    они их им них он его ему она ее это эти
    """.split()
)
