"""The Library as the one contract of the bot and the command line: summary arguments,
the sources list with counts, and hits that carry their source's number."""

from __future__ import annotations

from retrieval import Library, SummaryRequest
from tests.support.seed_facts import SEED_000, SEED_004


def test_summary_argument_resolves_to_all_a_source_or_a_topic(library: Library) -> None:
    first, second = library.sources
    assert library.resolve_summary("") == SummaryRequest()
    assert library.resolve_summary("  ") == SummaryRequest()
    assert library.resolve_summary("2") == SummaryRequest(source=second)
    assert library.resolve_summary(SEED_000) == SummaryRequest(source=first)
    assert library.resolve_summary("Kerry’s Visit To Sochi") == SummaryRequest(source=second)
    assert library.resolve_summary("sanctions") == SummaryRequest(topic="sanctions")


def test_summary_argument_problems(library: Library) -> None:
    assert library.resolve_summary("9") == SummaryRequest(problem="no-source")
    assert library.resolve_summary("the of and") == SummaryRequest(problem="no-words")
    assert library.resolve_summary("?!") == SummaryRequest(problem="no-words")


def test_source_rows_count_passages(library: Library) -> None:
    rows = library.source_rows()
    assert [(r.source.file, r.passages) for r in rows] == [(SEED_000, 16), (SEED_004, 13)]
    assert sum(r.passages for r in rows) == library.passage_total


def test_hits_carry_their_source_number(library: Library) -> None:
    answer = library.answer("Russia sanctions Kerry Sochi", top_k=10)
    assert answer.hits
    for hit in answer.hits:
        assert library.sources[hit.source_number - 1].file == hit.passage.source
