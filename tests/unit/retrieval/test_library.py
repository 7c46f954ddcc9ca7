"""The Library as the one contract of the bot and the command line: summary arguments,
the sources list with counts, and hits that carry their source's number."""

from __future__ import annotations

import pytest

from retrieval import Library, SourcebotError, SummaryRequest
from retrieval.answer.library import LibraryLoad
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


def test_summary_of_a_topic_within_one_source(library: Library) -> None:
    first, second = library.sources
    assert library.resolve_summary("2 sanctions") == SummaryRequest(
        source=second, topic="sanctions"
    )
    assert library.resolve_summary(f"{SEED_000} sanctions") == SummaryRequest(
        source=first, topic="sanctions"
    )
    assert library.resolve_summary("9 sanctions") == SummaryRequest(problem="no-source")
    assert library.resolve_summary("2 the of") == SummaryRequest(problem="no-words")
    summary = library.summarize(second, "sanctions")
    assert summary.sentences and {s.source for s in summary.sentences} == {SEED_004}
    assert all("sanction" in s.text.casefold() for s in summary.sentences)


def test_summary_sentences_carry_their_citation(library: Library) -> None:
    summary = library.summarize(library.sources[1], max_sentences=5)
    for s in summary.sentences:
        para = library.sources[1].paragraphs[s.paragraph - 1]
        assert (s.number, s.section, s.page) == (2, para.section, para.page)
        assert s.text in para.text
    positions = [s.position for s in summary.sentences]
    assert positions == sorted(positions) and len(set(positions)) == len(positions)


def test_a_search_within_one_source_ranks_as_the_search_of_all(library: Library) -> None:
    everywhere = library.answer("Russia sanctions Kerry", top_k=20)
    within = library.answer("Russia sanctions Kerry", top_k=20, source=2)
    assert within.source == 2 and within.hits
    assert all(h.passage.source == SEED_004 for h in within.hits)
    from_2 = [h for h in everywhere.hits if h.passage.source == SEED_004]
    assert [h.passage.paragraph for h in within.hits] == [h.passage.paragraph for h in from_2]
    # Each hit knows its rank among its source's hits, so "more from" can continue after it.
    assert [h.within_source for h in from_2] == list(range(1, len(from_2) + 1))
    later = library.answer("Russia sanctions Kerry", offset=2, source=2)
    assert later.hits[0].passage == within.hits[2].passage
    assert library.answer("Russia", source=99).hits == ()


def test_text_before_a_paragraph_is_one_slice_of_its_source(library: Library) -> None:
    index = library.index
    second = library.sources[1]
    whole = "".join(p.text for p in second.paragraphs[:11])
    assert index.text_before(SEED_004, 12, 10**6) == whole
    assert index.text_before(SEED_004, 12, 100) == whole.encode()[-100:].decode("utf-8", "ignore")
    assert index.text_before(SEED_004, 1, 100) == ""  # nothing of the source before it
    assert index.text_before(SEED_004, 99, 100) == ""


def test_warm_up_prepares_what_the_first_question_needs_and_changes_no_answer(
    library: Library,
) -> None:
    cold = Library(library.index, library.settings)
    warm = Library(library.index, library.settings)
    warm.warm_up().join(timeout=60)
    assert "rarity" in vars(warm.answerer)
    assert warm.answerer.corrector is None or "_choices" in vars(warm.answerer.corrector)
    for question in ("Was Crimea discussed?", "What did Lavorv say?", "How do I bake bread?"):
        assert warm.answer(question) == cold.answer(question)


def test_a_library_loaded_early_is_the_one_loaded_and_warming_when_waited_for(
    library: Library,
) -> None:
    loading = LibraryLoad(lambda: Library(library.index, library.settings))
    loaded = loading()
    assert loading() is loaded
    warming = loaded.warm_up()  # started by the load already: the same thread
    assert loaded.warm_up() is warming
    warming.join(timeout=60)
    assert "rarity" in vars(loaded.answerer)


def test_a_failed_early_load_raises_its_error_to_whoever_waits() -> None:
    def fails() -> Library:
        raise SourcebotError("no sources to index in seeds")

    loading = LibraryLoad(fails)
    for _ in range(2):
        with pytest.raises(SourcebotError, match="no sources to index"):
            loading()
