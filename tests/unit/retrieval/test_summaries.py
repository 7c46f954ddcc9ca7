"""Tests for extractive summaries: ROUGE against baselines, and what a summary may contain."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from retrieval.answer.library import Library
from retrieval.evaluate.summaries import RougeRow, compare, lead_n
from retrieval.model import Summary, SummarySentence
from tests.support.seed_facts import FURNITURE, SEED_000

HEADINGS = (
    "Core Differences",
    "China Factor?",
    "Contours of Russia-U.S. engagement",
    "Common Russian-American Interests",
)
BYLINES = ("By Rajorshi Roy", "Rajorshi Roy")


@pytest.fixture(scope="module")
def references(repo_root: Path) -> dict[str, list[str]]:
    data = yaml.safe_load((repo_root / "tests" / "data" / "seed_summaries.yaml").read_text("utf-8"))
    assert isinstance(data, dict)
    return {str(k): [str(r) for r in v] for k, v in data.items()}


@pytest.mark.parametrize("n", [3, 5])
def test_rouge_beats_baselines(library: Library, references: dict[str, list[str]], n: int) -> None:
    rows = {r.name: r for r in compare(library.sources, references, library.settings.summaries, n)}
    assert set(rows) == {"sourcebot", f"lead-{n}", "lexrank", "textrank"}
    ours = rows.pop("sourcebot")
    for name, row in rows.items():
        assert ours.rouge1 > row.rouge1, name
        assert ours.rouge2 > row.rouge2, name
        assert ours.rouge_l > row.rouge_l, name


@pytest.mark.parametrize("n", [3, 5])
def test_rouge_rows_are_f1_scores(
    library: Library, references: dict[str, list[str]], n: int
) -> None:
    for row in compare(library.sources, references, library.settings.summaries, n):
        assert isinstance(row, RougeRow)
        for value in (row.rouge1, row.rouge2, row.rouge_l):
            assert 0.0 < value < 1.0
        assert row.rouge2 < row.rouge1


def test_lead_n_is_the_first_sentences(library: Library) -> None:
    source = library.sources[1]
    assert lead_n(source, 2) == [
        "The U.S. Secretary of State John Kerry paid an official visit to Sochi on May 12, 2015.",
        "This was his first trip to Russia since the outbreak of the Ukrainian crisis in "
        "November 2013.",
    ]


def all_summaries(library: Library) -> list[Summary]:
    out = [library.summarize()]
    for source in library.sources:
        out.append(library.summarize(source=source, max_sentences=50))
    for topic in ("sanctions", "Ukraine crisis", "Kerry", "NATO"):
        out.append(library.summarize(topic=topic))
    return out


def test_summaries_hold_no_furniture_headings_or_bylines(library: Library) -> None:
    for summary in all_summaries(library):
        assert summary.sentences
        for s in summary.sentences:
            for junk in (*FURNITURE, *BYLINES):
                assert junk not in s.text
            for heading in HEADINGS:
                assert not s.text.startswith(heading)
            assert not s.text.rstrip().endswith("?")
            assert len(s.text.split()) >= 6
            assert not s.text.startswith("1. ")  # the footnote


def assert_placed(library: Library, sentences: tuple[SummarySentence, ...]) -> None:
    for s in sentences:
        assert s.text in library.index.paragraph_text(s.source, s.paragraph), s
        assert s.meta == library.index.meta(s.source)


def document_order(library: Library, sentences: tuple[SummarySentence, ...]) -> bool:
    numbers = {src.file: src.number for src in library.sources}
    places = []
    for s in sentences:
        paragraph = library.index.paragraph_text(s.source, s.paragraph)
        places.append((numbers[s.source], s.paragraph, paragraph.index(s.text)))
    return places == sorted(places) and len(set(places)) == len(places)


def test_sentences_in_document_order_and_placed(library: Library) -> None:
    for summary in all_summaries(library):
        assert_placed(library, summary.sentences)
        assert document_order(library, summary.sentences)


def test_one_source_summary(library: Library) -> None:
    source = library.sources[0]
    summary = library.summarize(source=source)
    assert summary.source == SEED_000
    assert summary.topic is None
    assert len(summary.sentences) == library.settings.summaries.sentences
    assert {s.source for s in summary.sentences} == {SEED_000}
    assert len({s.text for s in summary.sentences}) == len(summary.sentences)
    short = library.summarize(source=source, max_sentences=2)
    assert len(short.sentences) == 2


def test_all_sources_summary_covers_each_source(library: Library) -> None:
    summary = library.summarize()
    assert summary.source is None
    per_source = library.settings.summaries.per_source
    for source in library.sources:
        picked = [s for s in summary.sentences if s.source == source.file]
        assert len(picked) == per_source, source.file
    assert [s.source for s in summary.sentences] == sorted(s.source for s in summary.sentences)


@pytest.mark.parametrize(
    ("topic", "stems"),
    [
        ("sanctions", ("sanction",)),
        ("Minsk", ("minsk",)),
        ("Iran nuclear", ("iran", "nuclear")),
        ("NATO", ("nato",)),
    ],
)
def test_topic_summary_sentences_mention_the_topic(
    library: Library, topic: str, stems: tuple[str, ...]
) -> None:
    summary = library.summarize(topic=topic)
    assert summary.topic == topic
    assert summary.source is None
    assert 0 < len(summary.sentences) <= library.settings.summaries.sentences
    for s in summary.sentences:
        assert any(stem in s.text.casefold() for stem in stems), s.text


def test_topic_within_one_source(library: Library) -> None:
    source = library.sources[0]
    summary = library.summarize(source=source, topic="Crimea")
    assert summary.source == SEED_000
    assert [(s.source, s.paragraph) for s in summary.sentences] == [(SEED_000, 12)]
    assert "Crimea" in summary.sentences[0].text


@pytest.mark.parametrize("topic", ["bread", "quantum chromodynamics", "хлеб", "the of and"])
def test_unknown_topic_gives_empty_summary(library: Library, topic: str) -> None:
    summary = library.summarize(topic=topic)
    assert summary.sentences == ()
    assert summary.topic == topic
