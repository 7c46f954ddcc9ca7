"""The synthetic corpus's vocabulary: every word it can write, by class, drawn by Zipf's law.

Function words and content words are wordfreq's most common English words; names and
places are made up (170,000 of them, the vocabulary's long tail, as proper nouns are in
news text); numbers and years. Each class has its share of running text and its Zipf
exponent; each word its five surface forms (plain, capitalised, with a full stop, both,
with a comma).
"""

from __future__ import annotations

import re

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
NAMES_STREAM = 4  # the random stream the made-up names are drawn from

# Token classes and their shares of running text.
STOP, CONTENT, NAME, PLACE, NUMBER, YEAR = range(6)
CLASS_SHARES = (0.45, 0.41, 0.05, 0.03, 0.03, 0.03)
TOPIC_SHARE = 0.25  # of content words, drawn from the article's own topic words
CAST_SHARE = 0.7  # of names and places, drawn from the article's own people and places
# Zipf exponent per class: function words flatter ("the" is ~6% of English, not 15%),
# years flatter still, most recent first.
_CLASS_EXPONENTS = (0.8, 1.0, 0.9, 1.0, 1.0, 0.5)
COMMA_RATE = 0.07
TOPIC_MIN_RANK = 300  # topic words are distinctive, not "time" or "people"

# Surface forms of a vocabulary entry: plain, sentence-initial, sentence-final, both, comma.
PLAIN, CAPITAL, PERIOD, CAPITAL_PERIOD, COMMA = range(5)

# English function words, the stopwords of the generated text (question framing included).
FUNCTION_WORDS = frozenset(
    """
    a about above after again against all also an and any are as at be because been before
    being between both but by can could did do does during each few for from had has have
    he her here him his how i if in into is it its itself just me more most my no nor not
    now of off on once only or other our out over own same she should so some such than
    that the their them then there these they this those through to too under until up very
    was we were what when where which while who whom why will with would you your
    """.split()
)
_FIRST_NAMES = tuple(
    """
    Maria John Anna David Elena James Sofia Michael Laura Robert Olga Daniel Sarah Peter
    Irina Thomas Emma Paul Julia Mark Nina Andrew Alice Victor Clara Igor Helen Samuel Vera
    George Rosa Martin Lena Oscar Marta Hugo Eva Leon Ruth Karl Diana Felix Agnes Ivan Nora
    Pablo Greta Omar Lucia Anton Hana Tariq Amara Kenji Priya Chen Fatima Mateo Ingrid
    """.split()
)
_PLACES = tuple(
    """
    London Paris Berlin Moscow Tokyo Cairo Lagos Lima Oslo Vienna Prague Madrid Rome Athens
    Delhi Mumbai Beijing Seoul Sydney Toronto Chicago Boston Denver Dallas Houston Miami
    Geneva Zurich Warsaw Kyiv Minsk Riga Tallinn Vilnius Dublin Lisbon Istanbul Tehran Baghdad
    Nairobi Accra Dakar Havana Bogota Quito Santiago Caracas Manila Jakarta Hanoi Bangkok
    Kabul Tbilisi Yerevan Baku Almaty Tashkent Helsinki Stockholm Brussels Amsterdam
    """.split()
)
_SYLLABLES = tuple(
    """
    ka lo mi ra ven dor tel sa ni mar bel ko ri an vo len ta shi gor ul da fe zan per bru
    mo ha li sto vik el tor nes ga bi ru lan dre ok cha ze pol fin ar ber ast ion ma
    """.split()
)
_SURNAME_ENDINGS = ("", "", "ov", "son", "ez", "er", "ski", "ini", "ard", "man", "ic")
_PLACE_ENDINGS = ("burg", "ford", "ton", "grad", "polis", "vale", "mouth", "field", "port")
# Many rare names and places: in news text most rare words are proper nouns, and they give
# the vocabulary its long tail (about 80,000 index terms at 1M passages, not 30,000).
_N_SURNAMES = 60_000
_N_FULL_NAMES = 100_000
_N_NEW_PLACES = 10_000
_N_NUMBERS = 1_000
_YEARS = (1850, 2025)


def zipf_cdf(n: int, exponent: float) -> npt.NDArray[np.float64]:
    """Return the cumulative distribution of ranks 1..n with weight 1 / rank**exponent."""
    weights = 1.0 / np.arange(1, n + 1, dtype=np.float64) ** exponent
    cdf = np.cumsum(weights)
    cdf /= cdf[-1]
    return cdf


def sample(cdf: npt.NDArray[np.float64], u: npt.NDArray[np.float64]) -> IntArray:
    """Return the ranks (0-based) that uniform draws u fall on."""
    return np.minimum(np.searchsorted(cdf, u, side="right"), cdf.size - 1).astype(np.int64)


def _coined(rng: np.random.Generator, count: int, endings: tuple[str, ...]) -> list[str]:
    """Return count distinct capitalised made-up words of 2-3 syllables and an ending."""
    seen: set[str] = set()
    words: list[str] = []
    while len(words) < count:
        batch = 2 * (count - len(words)) + 16
        parts = rng.integers(0, len(_SYLLABLES), size=(batch, 3)).tolist()
        sizes = rng.integers(2, 4, size=batch).tolist()
        ends = rng.integers(0, len(endings), size=batch).tolist()
        for syllables, size, end in zip(parts, sizes, ends, strict=True):
            word = "".join(_SYLLABLES[i] for i in syllables[:size]) + endings[end]
            word = word.capitalize()
            if word not in seen:
                seen.add(word)
                words.append(word)
                if len(words) == count:
                    break
    return words


class Vocabulary:
    """Every word the generator can write, by class, with its five surface forms."""

    def __init__(self, seed: int) -> None:
        from wordfreq import top_n_list

        rng = np.random.default_rng([seed, NAMES_STREAM])
        ranked = [w for w in top_n_list("en", 30_000) if re.fullmatch(r"[a-z]+", w)]
        stop = [w for w in ranked if w in FUNCTION_WORDS]
        content = [w for w in ranked if w not in FUNCTION_WORDS and len(w) > 1]
        surnames = _coined(rng, _N_SURNAMES, _SURNAME_ENDINGS)
        # A full name's first name is Zipf-distributed, its surname uniform.
        firsts = sample(zipf_cdf(len(_FIRST_NAMES), 1.0), rng.random(_N_FULL_NAMES))
        self.surname_of = rng.integers(0, _N_SURNAMES, size=_N_FULL_NAMES)
        full_names = [
            f"{_FIRST_NAMES[int(f)]} {surnames[int(s)]}"
            for f, s in zip(firsts, self.surname_of, strict=True)
        ]
        places = list(_PLACES) + [
            p for p in _coined(rng, _N_NEW_PLACES, _PLACE_ENDINGS) if p not in _PLACES
        ]
        numbers = sorted(
            {str(int(n)) for n in np.unique(np.round(rng.pareto(1.2, 4 * _N_NUMBERS) * 10))}
            | {f"{int(n):,}" for n in rng.integers(1_000, 1_000_000, size=_N_NUMBERS // 4)}
        )[:_N_NUMBERS]
        years = [str(y) for y in range(_YEARS[1], _YEARS[0] - 1, -1)]
        classes = (stop, content, full_names + surnames, places, numbers, years)
        words: list[str] = [w for group in classes for w in group]
        self.offsets = np.cumsum([0, *(len(g) for g in classes)]).astype(np.int64)
        self.sizes = np.diff(self.offsets)
        self.n_full_names = len(full_names)
        self.words = words
        capital = [w[0].upper() + w[1:] for w in words]
        forms = (words, capital, [w + "." for w in words], [w + "." for w in capital])
        self.forms = np.array(
            [w for group in forms for w in group] + [w + "," for w in words], dtype=object
        )
        self.cdfs = [zipf_cdf(int(n), e) for n, e in zip(self.sizes, _CLASS_EXPONENTS, strict=True)]
        self.class_cdf = np.cumsum(CLASS_SHARES) / sum(CLASS_SHARES)

    def first(self, cls: int) -> int:
        """Return the vocabulary id of the first word of a class."""
        return int(self.offsets[cls])

    def draw(self, rng: np.random.Generator, cls: int, n: int, min_rank: int = 0) -> IntArray:
        """Return n Zipf-distributed vocabulary ids of a class, of rank >= min_rank."""
        cdf = self.cdfs[cls]
        low = cdf[min_rank - 1] if min_rank > 0 else 0.0
        u = low + (1.0 - low) * rng.random(n)
        return self.first(cls) + sample(cdf, u)

    def surface(self, vocab_id: int, form: int = PLAIN) -> str:
        """Return one surface form of a vocabulary entry."""
        return str(self.forms[form * len(self.words) + vocab_id])
