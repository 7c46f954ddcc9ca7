"""A deterministic synthetic corpus of English-like articles, and questions about its passages.

For benchmarks at sizes no real folder of articles reaches. The text is word salad, but it
has the statistics that matter to BM25: words drawn from wordfreq's 30,000 most common
English words with a Zipf distribution over their rank, function words (about 45% of
tokens), capitalised names and places (170,000 made up, Zipf too: the vocabulary's long
tail), numbers and years, sentences of about 4-20 words, and per-article topics (each
article repeats its own topic words, people and places, so passages of one article look
alike, as they do in real articles).

The corpus is `articles` of 10-30 passages of 40-90 tokens (a full name such as "Maria
Velkov" is one token); every article is drawn from its own random stream, derived from the
seed and its number, so any one article (and so any question's passage) can be regenerated
without generating the rest. Same seed, size and wordfreq version, same bytes.

`write_jsonl` writes one passage per line, in id order:
``{"id": 0, "article": 0, "title": "...", "text": "..."}`` where `id` runs 0..N-1 over
the whole corpus, `article` numbers the article and `title` is the article's title,
repeated on each of its passages.

A question is 3-7 distinct content words (names, places and numbers included) of one
passage, in passage order, framed by question words ("what", "did", "about", ...); about
a fifth of them carry one typo (a dropped, doubled, swapped or replaced letter).
"""

from __future__ import annotations

import itertools
import json
import multiprocessing
import re
import shutil
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import numpy.typing as npt

from retrieval.bench.words import (
    CAPITAL,
    CAST_SHARE,
    CLASS_SHARES,
    COMMA,
    COMMA_RATE,
    CONTENT,
    NAME,
    PLACE,
    PLAIN,
    STOP,
    TOPIC_MIN_RANK,
    TOPIC_SHARE,
    Vocabulary,
)

__all__ = [
    "DEFAULT_PASSAGES",
    "DEFAULT_QUESTIONS",
    "SyntheticArticle",
    "SyntheticCorpus",
    "SyntheticPassage",
    "SyntheticQuestion",
    "read_corpus",
    "read_questions",
    "write_questions",
]

DEFAULT_PASSAGES = 1_000_000
DEFAULT_QUESTIONS = 1_000

IntArray = npt.NDArray[np.int64]

# Random streams, one per purpose, so adding draws to one never shifts another.
_LAYOUT, _ARTICLE, _QUESTIONS = 1, 2, 3  # 4: the names (words.NAMES_STREAM)

_ARTICLE_PASSAGES = (10, 30)
_PASSAGE_TOKENS = (40, 90)
_SENTENCE_TOKENS = (6, 18)
_QUESTION_WORDS = (3, 7)

# Question frames: {0} is the first part of the words, {1} the rest.
_FRAMES = (
    "what about {0} {1}?",
    "what did {0} do about {1}?",
    "what is {0} {1}?",
    "who was {0} {1}?",
    "when did {0} {1}?",
    "how did {0} {1}?",
    "what did {0} have to do with {1}?",
    "{0} {1}?",
)
_TYPO_RATE = 0.2
_TYPO_MIN_LENGTH = 5
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class SyntheticPassage:
    """One passage: its corpus-wide id, its article's number and title, and its text."""

    id: int
    article: int
    title: str
    text: str


@dataclass(frozen=True)
class SyntheticArticle:
    """One article: its number, title and passages."""

    number: int
    title: str
    passages: tuple[SyntheticPassage, ...]


@dataclass(frozen=True)
class SyntheticQuestion:
    """A question made from the words of one passage, which is its right answer."""

    id: int
    text: str
    passage_id: int
    typo: bool


@dataclass(frozen=True)
class _Draw:
    """An article's tokens as vocabulary ids, before they become text."""

    title: str
    ids: IntArray  # vocabulary id of every token, all passages concatenated
    classes: npt.NDArray[np.intp]  # token class of every token
    bounds: IntArray  # passage i is tokens bounds[i]:bounds[i + 1]
    forms: IntArray  # surface form of every token (PLAIN, CAPITAL, ...)


class SyntheticCorpus:
    """N passages of English-like articles, generated on demand from a seed."""

    def __init__(self, passages: int = DEFAULT_PASSAGES, seed: int = 0) -> None:
        if passages < 1:
            raise ValueError(f"a synthetic corpus needs at least 1 passage, not {passages}")
        self.n_passages = passages
        self.seed = seed
        low, high = _ARTICLE_PASSAGES
        rng = np.random.default_rng([seed, _LAYOUT])
        sizes = rng.integers(low, high + 1, size=passages // low + 1)
        ends = np.cumsum(sizes)
        n_articles = int(np.searchsorted(ends, passages)) + 1
        # The last article is cut short so that the corpus has exactly `passages` passages.
        self._starts = np.concatenate(([0], ends[: n_articles - 1])).astype(np.int64)
        self._sizes = np.diff(np.append(self._starts, passages))

    @cached_property
    def _vocab(self) -> Vocabulary:
        return Vocabulary(self.seed)

    @property
    def n_articles(self) -> int:
        return len(self._starts)

    def __len__(self) -> int:
        return self.n_passages

    def article_of(self, passage_id: int) -> int:
        """Return the number of the article that holds a passage."""
        if not 0 <= passage_id < self.n_passages:
            raise IndexError(f"passage {passage_id} is not in 0..{self.n_passages - 1}")
        return int(np.searchsorted(self._starts, passage_id, side="right")) - 1

    def article(self, number: int) -> SyntheticArticle:
        """Return one article, the same whenever it is asked for."""
        draw = self._draw(number)
        tokens: list[str] = self._vocab.forms[
            draw.ids + draw.forms * len(self._vocab.words)
        ].tolist()
        first = int(self._starts[number])
        bounds = draw.bounds.tolist()
        passages = tuple(
            SyntheticPassage(first + i, number, draw.title, " ".join(tokens[a:b]))
            for i, (a, b) in enumerate(itertools.pairwise(bounds))
        )
        return SyntheticArticle(number, draw.title, passages)

    def articles(self) -> Iterator[SyntheticArticle]:
        """Yield every article in order."""
        for number in range(self.n_articles):
            yield self.article(number)

    def passages(self) -> Iterator[SyntheticPassage]:
        """Yield every passage in id order, one article in memory at a time."""
        for article in self.articles():
            yield from article.passages

    def passage(self, passage_id: int) -> SyntheticPassage:
        """Return one passage by id."""
        number = self.article_of(passage_id)
        return self.article(number).passages[passage_id - int(self._starts[number])]

    def write_jsonl(self, path: Path | str, workers: int = 1) -> int:
        """Write the corpus to path, one passage per line (see the module doc); return the count.

        With workers > 1, runs of articles are written by that many processes and joined
        (each article has its own random stream: the same bytes as one process writes).
        """
        if workers <= 1 or self.n_articles < 2 * workers:
            return _write_articles(self.n_passages, self.seed, 0, self.n_articles, Path(path))
        cuts = np.linspace(0, self.n_articles, workers + 1).astype(int).tolist()
        parts = [Path(f"{path}.part{i}") for i in range(workers)]
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            runs = [
                pool.submit(_write_articles, self.n_passages, self.seed, lo, hi, part)
                for lo, hi, part in zip(cuts, cuts[1:], parts, strict=False)
            ]
            count = sum(run.result() for run in runs)
        with Path(path).open("wb") as out:
            for part in parts:
                with part.open("rb") as source:
                    shutil.copyfileobj(source, out, 1 << 22)
                part.unlink()
        return count

    def questions(
        self, count: int = DEFAULT_QUESTIONS, typo_rate: float = _TYPO_RATE
    ) -> list[SyntheticQuestion]:
        """Return count questions, each about a different passage where the corpus allows."""
        if count < 0:
            raise ValueError(f"cannot make {count} questions: ask for 0 or more")
        rng = np.random.default_rng([self.seed, _QUESTIONS])
        replace = count > self.n_passages
        chosen = rng.choice(self.n_passages, size=count, replace=replace)
        return [
            self._question(i, int(pid), rng, typo_rate) for i, pid in enumerate(chosen.tolist())
        ]

    def _question(
        self, number: int, passage_id: int, rng: np.random.Generator, typo_rate: float
    ) -> SyntheticQuestion:
        vocab = self._vocab
        article = self.article_of(passage_id)
        draw = self._draw(article)
        i = passage_id - int(self._starts[article])
        lo, hi = int(draw.bounds[i]), int(draw.bounds[i + 1])
        ids = draw.ids[lo:hi][draw.classes[lo:hi] != STOP]
        distinct = ids[np.sort(np.unique(ids, return_index=True)[1])]
        want = int(rng.integers(_QUESTION_WORDS[0], _QUESTION_WORDS[1] + 1))
        if distinct.size > want:
            distinct = distinct[np.sort(rng.choice(distinct.size, size=want, replace=False))]
        words = [vocab.surface(int(v)) for v in distinct]
        typo = False
        if rng.random() < typo_rate:
            candidates = [j for j, w in enumerate(words) if len(w) >= _TYPO_MIN_LENGTH]
            candidates = [j for j in candidates if words[j].isalpha()]
            if candidates:
                j = candidates[int(rng.integers(0, len(candidates)))]
                words[j] = _misspell(words[j], rng)
                typo = True
        split = max(1, len(words) // 2)
        frame = _FRAMES[int(rng.integers(0, len(_FRAMES)))]
        text = frame.format(" ".join(words[:split]), " ".join(words[split:]))
        text = re.sub(r" +", " ", text).replace(" ?", "?")
        return SyntheticQuestion(number, text[0].upper() + text[1:], passage_id, typo)

    def _draw(self, number: int) -> _Draw:
        if not 0 <= number < self.n_articles:
            raise IndexError(f"article {number} is not in 0..{self.n_articles - 1}")
        vocab = self._vocab
        rng = np.random.default_rng([self.seed, _ARTICLE, number])
        n_passages = int(self._sizes[number])
        lengths = rng.integers(_PASSAGE_TOKENS[0], _PASSAGE_TOKENS[1] + 1, size=n_passages)
        total = int(lengths.sum())
        bounds = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)

        # The article's own topic words, people and places.
        topic = vocab.draw(rng, CONTENT, int(rng.integers(12, 25)), min_rank=TOPIC_MIN_RANK)
        cast = rng.choice(vocab.n_full_names, size=int(rng.integers(2, 6)), replace=False)
        # A person is named in full or by surname alone.
        people = vocab.first(NAME) + np.concatenate(
            (cast, vocab.n_full_names + vocab.surname_of[cast])
        )
        places = vocab.draw(rng, PLACE, int(rng.integers(1, 4)))

        classes = np.searchsorted(vocab.class_cdf, rng.random(total), side="right")
        classes = np.minimum(classes, len(CLASS_SHARES) - 1)
        ids = np.empty(total, np.int64)
        local_pools = {CONTENT: (topic, TOPIC_SHARE), NAME: (people, CAST_SHARE)}
        local_pools[PLACE] = (places, CAST_SHARE)
        for cls in range(len(CLASS_SHARES)):
            where = np.flatnonzero(classes == cls)
            ids[where] = vocab.draw(rng, cls, where.size)
            if cls in local_pools:
                pool, share = local_pools[cls]
                local = where[rng.random(where.size) < share]
                ids[local] = pool[rng.integers(0, pool.size, size=local.size)]

        forms = _sentence_forms(rng, bounds, classes)
        title = _title(vocab, rng, topic, places)
        return _Draw(title, ids, classes, bounds, forms)


def _write_articles(passages: int, seed: int, first: int, end: int, path: Path) -> int:
    """Write articles first..end-1 of a corpus to path (see write_jsonl); return the passages."""
    corpus = SyntheticCorpus(passages, seed)
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for number in range(first, end):
            article = corpus.article(number)
            out.writelines(
                json.dumps({"id": p.id, "article": p.article, "title": p.title, "text": p.text})
                + "\n"
                for p in article.passages
            )
            count += len(article.passages)
    return count


def _sentence_forms(
    rng: np.random.Generator, bounds: IntArray, classes: npt.NDArray[np.intp]
) -> IntArray:
    """Return each token's surface form: capitalised after a full stop, period at a sentence end."""
    total = int(bounds[-1])
    passage = np.repeat(np.arange(bounds.size - 1), np.diff(bounds))
    index = np.arange(total)
    pos = index - bounds[passage]
    remaining = bounds[passage + 1] - 1 - index
    low, high = _SENTENCE_TOKENS
    cuts = np.cumsum(rng.integers(low, high + 1, size=total // low + 2)) - 1
    end = np.zeros(total, bool)
    end[cuts[cuts < total]] = True
    # No sentence of fewer than 4 tokens at either edge of a passage.
    end &= (pos >= 3) & (remaining >= 4)
    end[bounds[1:] - 1] = True
    start = np.empty(total, bool)
    start[0] = True
    start[1:] = end[:-1]
    forms = start.astype(np.int64) + 2 * end.astype(np.int64)
    comma = (forms == PLAIN) & (classes != STOP) & (rng.random(total) < COMMA_RATE)
    forms[comma & (remaining >= 2)] = COMMA
    return forms


def _title(vocab: Vocabulary, rng: np.random.Generator, topic: IntArray, places: IntArray) -> str:
    """Return an article title made of its topic words, sometimes with a place."""
    n = int(rng.integers(2, 5))
    words = [vocab.surface(int(v), CAPITAL) for v in topic[:n]]
    title = " ".join(words[:-1]) + (" and " if rng.random() < 0.3 else " ") + words[-1]
    if rng.random() < 0.5:
        title += " in " + vocab.surface(int(places[0]))
    return title


def _misspell(word: str, rng: np.random.Generator) -> str:
    """Return word with one edit, never to its first letter: drop, double, swap or replace."""
    pos = int(rng.integers(1, len(word) - 1))
    kind = int(rng.integers(0, 4))
    if kind == 0:
        return word[:pos] + word[pos + 1 :]
    if kind == 1:
        return word[:pos] + word[pos] + word[pos:]
    if kind == 2:
        return word[:pos] + word[pos + 1] + word[pos] + word[pos + 2 :]
    other = _LETTERS.replace(word[pos].lower(), "")
    return word[:pos] + other[int(rng.integers(0, len(other)))] + word[pos + 1 :]


def read_corpus(path: Path | str) -> Iterator[SyntheticPassage]:
    """Yield the passages of a corpus written by `SyntheticCorpus.write_jsonl`, streaming."""
    with Path(path).open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            yield SyntheticPassage(
                int(record["id"]), int(record["article"]), record["title"], record["text"]
            )


def write_questions(questions: Iterable[SyntheticQuestion], path: Path | str) -> None:
    """Write questions to path, one JSON object per line (id, text, passage_id, typo)."""
    with Path(path).open("w", encoding="utf-8") as out:
        for q in questions:
            record = {"id": q.id, "text": q.text, "passage_id": q.passage_id, "typo": q.typo}
            out.write(json.dumps(record) + "\n")


def read_questions(path: Path | str) -> list[SyntheticQuestion]:
    """Return the questions written by `write_questions`."""
    with Path(path).open(encoding="utf-8") as lines:
        return [
            SyntheticQuestion(int(r["id"]), str(r["text"]), int(r["passage_id"]), bool(r["typo"]))
            for r in map(json.loads, lines)
        ]
