"""Load a SQuAD-format question set (v1.1 JSON) as articles, paragraphs and questions.

The file is `{"data": [{"title", "paragraphs": [{"context", "qas": [{"id", "question",
"answers": [{"text", ...}]}]}]}]}`, as SQuAD v1.1 and XQuAD ship it. SQuAD v2's
`is_impossible` questions (no answers) are kept as unanswerable. Every problem is a
`DatasetError` naming the file and the article / paragraph / question where it is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from retrieval.errors import DatasetError
from retrieval.text.tokenize import clean_text

__all__ = ["SquadArticle", "SquadQuestion", "load_squad"]


@dataclass(frozen=True)
class SquadQuestion:
    """One question, the paragraph of its article that holds the answer, the answer texts."""

    id: str
    question: str
    paragraph: int  # 1-based, within its article
    answers: tuple[str, ...]  # empty: the question has no answer in the paragraph


@dataclass(frozen=True)
class SquadArticle:
    """One article: a title, its paragraphs (the contexts) and their questions."""

    title: str
    paragraphs: tuple[str, ...]
    questions: tuple[SquadQuestion, ...]


def _text(value: Any, where: str, key: str) -> str:
    if not isinstance(value, str):
        raise DatasetError(f"{where}: {key!r} must be a string")
    return value


def _list(value: Any, where: str, key: str) -> list[Any]:
    if not isinstance(value, list):
        raise DatasetError(f"{where}: {key!r} must be a list")
    return value


def _article(number: int, raw: Any, path: Path) -> SquadArticle:
    where = f"{path}: article {number}"
    if not isinstance(raw, dict):
        raise DatasetError(f"{where}: expected an object with 'title' and 'paragraphs'")
    title = _text(raw.get("title", f"article {number}"), where, "title")
    paragraphs: list[str] = []
    questions: list[SquadQuestion] = []
    for p_number, para in enumerate(_list(raw.get("paragraphs"), where, "paragraphs"), 1):
        p_where = f"{where}, paragraph {p_number}"
        if not isinstance(para, dict):
            raise DatasetError(f"{p_where}: expected an object with 'context' and 'qas'")
        # The index holds cleaned text (NFC, no control characters), so the paragraph
        # must be the same text for answers and citations to match.
        paragraphs.append(clean_text(_text(para.get("context"), p_where, "context")).strip())
        for q_number, qa in enumerate(_list(para.get("qas", []), p_where, "qas"), 1):
            q_where = f"{p_where}, question {q_number}"
            if not isinstance(qa, dict):
                raise DatasetError(f"{q_where}: expected an object with 'question' and 'answers'")
            answers = tuple(
                _text(a.get("text") if isinstance(a, dict) else None, q_where, "answers[].text")
                for a in _list(qa.get("answers", []), q_where, "answers")
            )
            questions.append(
                SquadQuestion(
                    id=str(qa.get("id", f"{number}.{p_number}.{q_number}")),
                    question=_text(qa.get("question"), q_where, "question"),
                    paragraph=p_number,
                    answers=tuple(a for a in answers if a.strip()),
                )
            )
    if not paragraphs:
        raise DatasetError(f"{where}: no paragraphs")
    return SquadArticle(title, tuple(paragraphs), tuple(questions))


def load_squad(path: Path) -> tuple[SquadArticle, ...]:
    """Return the articles of a SQuAD-format JSON file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise DatasetError(f"cannot read question file {path}: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise DatasetError(f"{path}: not valid JSON: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("data"), list) or not data["data"]:
        raise DatasetError(
            f'{path}: not a SQuAD-format file: expected {{"data": [{{"title", '
            f'"paragraphs": [{{"context", "qas"}}]}}]}}'
        )
    return tuple(_article(i, raw, path) for i, raw in enumerate(data["data"], 1))
