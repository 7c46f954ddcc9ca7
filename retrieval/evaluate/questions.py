"""Measure answers on a YAML question set over the configured sources.

Each question is answered with `answer()`, as the bot would; top-1 / top-3 accuracy on
answerable questions and not-found accuracy on unanswerable ones, beside the ranking
metrics of BEIR (nDCG@10, recall, MRR) over the cited paragraphs; for questions that name
their `answer`, quote@1: the rank-1 quote holds it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from retrieval.answer.answers import Answerer
from retrieval.errors import DatasetError
from retrieval.evaluate.metrics import EvalScores, evaluate_run
from retrieval.evaluate.squad_eval import fold


@dataclass(frozen=True)
class QuestionCase:
    """One question of a YAML question set and what a correct answer cites."""

    question: str
    expected: tuple[tuple[str, int], ...]  # (source file, paragraph); empty = unanswerable
    answer: str | None = None  # words the rank-1 quote must hold


@dataclass(frozen=True)
class QuestionResult:
    """How one question of the set was answered."""

    case: QuestionCase
    found: bool
    cited: tuple[tuple[str, int], ...]
    corrected: dict[str, str]
    quote: str = ""  # the rank-1 quote


@dataclass(frozen=True)
class QuestionSetReport:
    """Scores over a YAML question set."""

    scores: EvalScores
    top1: float
    top3: float
    not_found_accuracy: float
    answerable: int
    unanswerable: int
    results: tuple[QuestionResult, ...]
    quote_at_1: float = 0.0
    with_answer: int = 0

    def as_json(self) -> dict[str, Any]:
        """Return the scores with the BEIR keys plus top1, top3, not_found_accuracy, quote@1."""
        return {
            **self.scores.as_json(),
            "top1": self.top1,
            "top3": self.top3,
            "not_found_accuracy": self.not_found_accuracy,
            "answerable": self.answerable,
            "unanswerable": self.unanswerable,
            "quote@1": self.quote_at_1,
            "with_answer": self.with_answer,
        }


def _citations(items: list[Any], where: str) -> tuple[tuple[str, int], ...]:
    out: list[tuple[str, int]] = []
    for item in items:
        source, _, number = str(item).rpartition("#")
        if not source or not number.isdigit():
            raise DatasetError(f"{where}: expected entries look like 'file.txt#3', not {item!r}")
        out.append((source, int(number)))
    return tuple(out)


def _cases(path: Path) -> list[QuestionCase]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise DatasetError(f"cannot read question file {path}: {exc}") from exc
    except yaml.YAMLError as exc:
        raise DatasetError(f"{path}: not valid YAML: {exc}") from exc
    items = data.get("questions") if isinstance(data, dict) else data
    if not isinstance(items, list) or not items:
        raise DatasetError(f"{path}: expected a list of questions under 'questions:'")
    cases: list[QuestionCase] = []
    for i, item in enumerate(items, start=1):
        where = f"{path}: question {i}"
        if not isinstance(item, dict) or not isinstance(item.get("question"), str):
            raise DatasetError(f"{where}: each entry needs a 'question' text")
        if item.get("unanswerable") is True:
            cases.append(QuestionCase(item["question"], ()))
            continue
        answer = item.get("answer")
        if answer is not None and (not isinstance(answer, str) or not answer.strip()):
            raise DatasetError(f"{where}: 'answer' must be the words the quote should hold")
        if isinstance(item.get("expected"), list):
            cited = _citations(item["expected"], where)
            cases.append(QuestionCase(item["question"], cited, answer))
            continue
        source, paragraphs = item.get("source"), item.get("paragraph")
        if isinstance(paragraphs, int):
            paragraphs = [paragraphs]
        if (
            not isinstance(source, str)
            or not isinstance(paragraphs, list)
            or not all(isinstance(p, int) for p in paragraphs)
        ):
            raise DatasetError(
                f"{where}: give 'expected: [file#paragraph, ...]', or 'source' (a file name) "
                "and 'paragraph' (a number or a list), or 'unanswerable: true'"
            )
        cases.append(QuestionCase(item["question"], tuple((source, p) for p in paragraphs), answer))
    return cases


def evaluate_questions(path: Path, answerer: Answerer) -> QuestionSetReport:
    """Answer every question of a YAML question set and score the answers."""
    cases = _cases(path)
    index = answerer.index
    for case in cases:
        for source, number in case.expected:
            if not index.has_paragraph(source, number):
                raise DatasetError(
                    f"{path}: question {case.question!r} expects {source} ¶{number}, "
                    "which the loaded sources do not have"
                )
    results: list[QuestionResult] = []
    run: dict[str, list[str]] = {}
    qrels: dict[str, dict[str, int]] = {}
    for i, case in enumerate(cases):
        answer = answerer.answer(case.question, top_k=10)
        cited = tuple((h.passage.source, h.passage.paragraph) for h in answer.hits)
        quote = answer.hits[0].quote.text if answer.hits else ""
        results.append(QuestionResult(case, answer.found, cited, answer.corrected_terms, quote))
        if case.expected:
            run[str(i)] = [f"{s}#{p}" for s, p in cited]
            qrels[str(i)] = {f"{s}#{p}": 1 for s, p in case.expected}
    answerable = [r for r in results if r.case.expected]
    unanswerable = [r for r in results if not r.case.expected]
    quoted = [r for r in answerable if r.case.answer is not None]

    def share(hits: int, total: int) -> float:
        return hits / total if total else 0.0

    return QuestionSetReport(
        scores=evaluate_run(run, qrels),
        top1=share(
            sum(bool(r.cited) and r.cited[0] in r.case.expected for r in answerable),
            len(answerable),
        ),
        top3=share(
            sum(any(c in r.case.expected for c in r.cited[:3]) for r in answerable), len(answerable)
        ),
        not_found_accuracy=share(sum(not r.found for r in unanswerable), len(unanswerable)),
        answerable=len(answerable),
        unanswerable=len(unanswerable),
        results=tuple(results),
        quote_at_1=share(sum(quote_holds(r) for r in quoted), len(quoted)),
        with_answer=len(quoted),
    )


def quote_holds(result: QuestionResult) -> bool:
    """Say whether the rank-1 quote holds the answer the question names (folded)."""
    answer = result.case.answer
    return answer is not None and fold(answer) in fold(result.quote)
