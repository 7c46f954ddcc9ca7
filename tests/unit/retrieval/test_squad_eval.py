"""SQuAD-format evaluation: the loader, the scores on a small made set, and XQuAD English
beside bm25s and rank-bm25 in the same harness (paragraphs as passages, titles given).

XQuAD figures measured when the thresholds below were set (config/bot.yaml): para@1 0.928,
para@3 0.952, quote@1 0.842 (0.907 of the questions whose rank-1 paragraph is right),
"not found" on answerable questions 3.3%, off-topic control refused 83.5%; bm25s (k1 1.5,
b 0.75, Snowball stemmer and stopwords) 0.930 and rank-bm25 (whitespace tokens) 0.790
para@1 on the same paragraphs with their titles.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from bot.config import Settings
from retrieval.errors import DatasetError
from retrieval.evaluate.squad import SquadArticle, load_squad
from retrieval.evaluate.squad_eval import SquadReport, evaluate_squad, fold
from tests.support.paths import shared_data

XQUAD_EN = shared_data("xquad-dev") / "xquad.en.json"


def squad_file(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "set.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


ARTICLES = {
    "version": "1.1",
    "data": [
        {
            "title": "Bread_baking",
            "paragraphs": [
                {
                    "context": "Bread is baked from flour, water and yeast. The dough rises "
                    "for two hours before it goes into the oven at 220 degrees.",
                    "qas": [
                        {
                            "id": "b1",
                            "question": "How long does bread dough rise?",
                            "answers": [{"text": "two hours", "answer_start": 62}],
                        }
                    ],
                },
                {
                    "context": "Sourdough uses a starter of wild yeast instead of baker's "
                    "yeast, which gives the loaf its sour taste.",
                    "qas": [
                        {
                            "id": "b2",
                            "question": "What gives sourdough its sour taste?",
                            "answers": [{"text": "a starter of wild yeast"}],
                        }
                    ],
                },
            ],
        },
        {
            "title": "Lighthouses",
            "paragraphs": [
                {
                    "context": "The Eddystone Lighthouse stands on rocks south of Plymouth. "
                    "Its fourth tower was designed by James Douglass and lit in 1882.",
                    "qas": [
                        {
                            "id": "l1",
                            "question": "Who designed the fourth Eddystone tower?",
                            "answers": [{"text": "James Douglass"}],
                        },
                        {
                            "id": "l2",
                            "question": "When was the fourth Eddystone tower lit?",
                            "answers": [{"text": "1882"}],
                        },
                    ],
                }
            ],
        },
    ],
}


def test_load_squad(tmp_path: Path) -> None:
    articles = load_squad(squad_file(tmp_path, ARTICLES))
    assert [a.title for a in articles] == ["Bread_baking", "Lighthouses"]
    assert len(articles[0].paragraphs) == 2
    second = articles[0].questions[1]
    assert (second.id, second.paragraph, second.answers) == ("b2", 2, ("a starter of wild yeast",))
    assert [q.paragraph for q in articles[1].questions] == [1, 1]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"data": []}', "not a SQuAD-format file"),
        ('{"data": [{"title": "A", "paragraphs": [{"qas": []}]}]}', "'context' must be"),
        (
            '{"data": [{"title": "A", "paragraphs": [{"context": "x", "qas": [{"q": 1}]}]}]}',
            "article 1, paragraph 1, question 1: 'question' must be a string",
        ),
    ],
)
def test_load_squad_errors_name_the_place(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DatasetError, match=r"bad\.json") as caught:
        load_squad(path)
    assert message in str(caught.value)


def test_evaluate_small_set(tmp_path: Path, settings: Settings) -> None:
    report = evaluate_squad(
        load_squad(squad_file(tmp_path, ARTICLES)), settings.retrieval, off_topic=True
    )
    assert (report.articles, report.paragraphs, report.questions) == (2, 3, 4)
    assert report.para_at_1 == 1.0
    assert report.quote_at_1 == 1.0
    assert report.not_found_answerable == 0.0
    # Asked of the other article only, nothing answers them.
    assert report.off_topic_not_found == 1.0
    assert len(report.off_topic) == 4
    assert set(report.as_json()) == {
        "para@1",
        "para@3",
        "quote@1",
        "quote@1_given_para@1",
        "not_found_answerable",
        "off_topic_not_found",
        "articles",
        "paragraphs",
        "questions",
    }


def test_fold() -> None:
    assert fold("  James\u00a0DOUGLASS\n ") == "james douglass"
    assert fold("ﬁve") == "five"  # NFKC


# --- XQuAD English beside the peers ---------------------------------------------------


@pytest.fixture(scope="module")
def xquad(settings: Settings) -> tuple[tuple[SquadArticle, ...], SquadReport]:
    if not XQUAD_EN.is_file():
        pytest.skip(f"{XQUAD_EN} is not present")
    articles = load_squad(XQUAD_EN)
    return articles, evaluate_squad(articles, settings.retrieval, off_topic=True)


def _peer_para_at_1(articles: tuple[SquadArticle, ...], system: str) -> float:
    """Return paragraph top-1 of a peer over the same paragraphs (title and text)."""
    keys = [(a, p) for a, art in enumerate(articles) for p in range(1, len(art.paragraphs) + 1)]
    texts = [f"{art.title.replace('_', ' ')} {text}" for art in articles for text in art.paragraphs]
    questions = [(a, q) for a, art in enumerate(articles) for q in art.questions if q.answers]
    if system == "bm25s":
        import bm25s
        import Stemmer

        stemmer = Stemmer.Stemmer("english")
        tokens = bm25s.tokenize(texts, stopwords="en", stemmer=stemmer, show_progress=False)
        model = bm25s.BM25(k1=1.5, b=0.75)
        model.index(tokens, show_progress=False)
        vocab = tokens.vocab

        def scores(question: str) -> Any:
            words = bm25s.tokenize(
                question, stopwords="en", stemmer=stemmer, show_progress=False, return_ids=False
            )[0]
            ids = [vocab[w] for w in words if w in vocab]
            return model.get_scores(ids) if ids else np.zeros(len(texts))
    else:
        from rank_bm25 import BM25Okapi

        okapi = BM25Okapi([t.lower().split() for t in texts])

        def scores(question: str) -> Any:
            return okapi.get_scores(question.lower().split())

    right = 0
    for a, q in questions:
        s = np.asarray(scores(q.question), dtype=np.float64)
        best = int(np.lexsort((np.arange(len(s)), -s))[0])
        right += s[best] > 0 and keys[best] == (a, q.paragraph)
    return right / len(questions)


def test_xquad_english_figures(xquad: tuple[tuple[SquadArticle, ...], SquadReport]) -> None:
    _, report = xquad
    assert report.questions == 922
    assert report.para_at_1 >= 0.92
    assert report.para_at_3 >= report.para_at_1
    assert report.quote_at_1 >= 0.83
    assert report.quote_given_para >= 0.90
    assert report.not_found_answerable <= 0.035
    assert report.off_topic_not_found is not None and report.off_topic_not_found >= 0.8


def test_xquad_english_beside_peers(xquad: tuple[tuple[SquadArticle, ...], SquadReport]) -> None:
    articles, report = xquad
    bm25s_para_at_1 = _peer_para_at_1(articles, "bm25s")
    rank_bm25_para_at_1 = _peer_para_at_1(articles, "rank-bm25")
    assert 0.9 <= bm25s_para_at_1 <= 0.95  # the peer works as published (0.924 without titles)
    assert report.para_at_1 >= bm25s_para_at_1 - 0.005
    assert report.para_at_1 > rank_bm25_para_at_1
