"""Measure answers on a SQuAD-format file: paragraph ranks, quotes, and honest "not found".

Each article becomes one source and each of its paragraphs one paragraph of it (cut into
passages as any source is), indexed with the configured settings; every question is
answered with `answer()` as the bot would. Scores, over the questions that have answers:

- `para@1`, `para@3`: the paragraph that holds the answer is cited first / in the first three;
- `quote@1`: the first citation is that paragraph and its quote holds a gold answer text
  (compared after NFKC, case and whitespace folding);
- `quote@1_given_para@1`: the same, among the questions whose first citation is right;
- `not_found_answerable`: share answered "not found" although the sources hold the answer.

With `off_topic`, each article's questions are also asked of an index of the other
articles only (the same term statistics as if that article had never been added), where
"not found" is the right answer: `off_topic_not_found` is the share refused.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from retrieval.answer.answers import Answerer
from retrieval.evaluate.squad import SquadArticle, SquadQuestion
from retrieval.index.builder import IndexBuilder
from retrieval.index.search import SearchIndex
from retrieval.index.update import index_sources
from retrieval.model import Answer, Paragraph, Source, SourceMeta
from retrieval.settings import RetrievalSettings

TOP_K = 3


@dataclass(frozen=True)
class SquadResult:
    """How one question was answered."""

    article: int  # 0-based position in the file
    question: SquadQuestion
    found: bool
    cited: tuple[tuple[int, int], ...]  # (article, paragraph) of each hit, best first
    quote: str  # the rank-1 quote ("" when nothing was found)
    quote_hit: bool  # the rank-1 citation is right and its quote holds a gold answer


@dataclass(frozen=True)
class SquadReport:
    """Scores over a SQuAD-format file (see the module docstring for each key)."""

    articles: int
    paragraphs: int
    questions: int
    para_at_1: float
    para_at_3: float
    quote_at_1: float
    quote_given_para: float
    not_found_answerable: float
    off_topic_not_found: float | None
    results: tuple[SquadResult, ...]
    off_topic: tuple[SquadResult, ...] = ()

    def as_json(self) -> dict[str, Any]:
        """Return the scores keyed as the README documents them."""
        data: dict[str, Any] = {
            "para@1": self.para_at_1,
            "para@3": self.para_at_3,
            "quote@1": self.quote_at_1,
            "quote@1_given_para@1": self.quote_given_para,
            "not_found_answerable": self.not_found_answerable,
        }
        if self.off_topic_not_found is not None:
            data["off_topic_not_found"] = self.off_topic_not_found
        data.update(articles=self.articles, paragraphs=self.paragraphs, questions=self.questions)
        return data


def fold(text: str) -> str:
    """Return text NFKC-normalised, case-folded, with runs of whitespace made one space."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def source_name(number: int, article: SquadArticle) -> str:
    """Return the file name an article is cited by (numbered, so titles may repeat)."""
    return f"{number:03d}_{article.title}"


def squad_sources(articles: Sequence[SquadArticle]) -> tuple[Source, ...]:
    """Return one source per article, its paragraphs numbered from 1, titled by the article."""
    sources: list[Source] = []
    for number, article in enumerate(articles, 1):
        file = source_name(number, article)
        meta = SourceMeta(file=file, title=article.title.replace("_", " "))
        paragraphs = tuple(
            Paragraph(file, n, text) for n, text in enumerate(article.paragraphs, 1) if text
        )
        sources.append(Source(number, meta, paragraphs))
    return tuple(sources)


def without_source(index: SearchIndex, file: str) -> SearchIndex:
    """Return an index of every source of index but one, its BM25 weights recomputed."""
    builder = IndexBuilder(index.retrieval_settings, index.tokenizer, index.vocab)
    row = index.parts.records.row_of(file)
    if row is None:
        builder.adopt(index.parts, 0, len(index.parts.records))
    else:
        builder.adopt(index.parts, 0, row)
        builder.adopt(index.parts, row + 1, len(index.parts.records))
    return SearchIndex(builder.finish(), index.tokenizer, index.retrieval_settings)


def _result(
    position: int, question: SquadQuestion, answer: Answer, numbers: dict[str, int]
) -> SquadResult:
    cited = tuple((numbers[h.passage.source], h.passage.paragraph) for h in answer.hits)
    quote = answer.hits[0].quote.text if answer.hits else ""
    right = bool(cited) and cited[0] == (position, question.paragraph)
    folded = fold(quote)
    hit = right and any(fold(a) in folded for a in question.answers)
    return SquadResult(position, question, answer.found, cited, quote, hit)


def _share(count: int, total: int) -> float:
    return count / total if total else 0.0


def score(
    results: Sequence[SquadResult], control: Sequence[SquadResult] | None = None
) -> dict[str, float]:
    """Return the scores of these answers (of any subset, e.g. one half of the articles),
    keyed as the README documents them; `off_topic_not_found` only with a control."""
    n = len(results)
    right = [r for r in results if r.cited[:1] == ((r.article, r.question.paragraph),)]
    scores = {
        "para@1": _share(len(right), n),
        "para@3": _share(sum((r.article, r.question.paragraph) in r.cited[:3] for r in results), n),
        "quote@1": _share(sum(r.quote_hit for r in results), n),
        "quote@1_given_para@1": _share(sum(r.quote_hit for r in right), len(right)),
        "not_found_answerable": _share(sum(not r.found for r in results), n),
    }
    if control is not None:
        scores["off_topic_not_found"] = _share(sum(not r.found for r in control), len(control))
    return scores


def evaluate_squad(
    articles: Sequence[SquadArticle],
    settings: RetrievalSettings,
    *,
    off_topic: bool = False,
    answerer: Callable[[SearchIndex], Answerer] | None = None,
) -> SquadReport:
    """Index the articles, answer every question, and score the answers."""
    make = answerer or (lambda index: Answerer(index, settings.answers))
    sources = squad_sources(articles)
    numbers = {s.file: s.number - 1 for s in sources}
    index = index_sources(settings, sources)
    full = make(index)
    results = tuple(
        _result(a, q, full.answer(q.question, top_k=TOP_K), numbers)
        for a, article in enumerate(articles)
        for q in article.questions
        if q.answers
    )
    control: list[SquadResult] = []
    if off_topic:
        for a, (article, source) in enumerate(zip(articles, sources, strict=True)):
            asked = [q for q in article.questions if q.answers]
            if not asked:
                continue
            others = make(without_source(index, source.file))
            control += (
                _result(a, q, others.answer(q.question, top_k=TOP_K), numbers) for q in asked
            )
    scores = score(results, control if off_topic else None)
    return SquadReport(
        articles=len(articles),
        paragraphs=sum(len(s.paragraphs) for s in sources),
        questions=len(results),
        para_at_1=scores["para@1"],
        para_at_3=scores["para@3"],
        quote_at_1=scores["quote@1"],
        quote_given_para=scores["quote@1_given_para@1"],
        not_found_answerable=scores["not_found_answerable"],
        off_topic_not_found=scores.get("off_topic_not_found"),
        results=results,
        off_topic=tuple(control),
    )
