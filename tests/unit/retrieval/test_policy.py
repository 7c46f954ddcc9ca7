"""The one skip-or-raise decision for bad sources, and its one warning channel."""

from __future__ import annotations

import logging

import pytest

from retrieval.errors import SourceError
from retrieval.ingest.policy import SourcePolicy


def test_skip_warns_naming_the_problem_and_goes_on(caplog: pytest.LogCaptureFixture) -> None:
    policy = SourcePolicy("skip")
    with caplog.at_level(logging.WARNING, logger="retrieval.ingest"):
        assert policy.skip("a.txt is binary data") is False
    assert policy.warnings == ["skipped a.txt is binary data"]
    assert [r.getMessage() for r in caplog.records] == ["skipped a.txt is binary data"]


def test_error_raises_the_problem_and_records_nothing() -> None:
    policy = SourcePolicy("error")
    with pytest.raises(SourceError, match=r"^a\.txt is binary data$"):
        policy.skip("a.txt is binary data")
    assert policy.warnings == []


def test_a_skipped_part_names_what_was_skipped_or_how_to_fix_it() -> None:
    lenient, strict = SourcePolicy("skip"), SourcePolicy("error")
    lenient.skip_part("d.jsonl, line 3: not JSON", "line", fix="; fix the line")
    assert lenient.warnings == ["d.jsonl, line 3: not JSON; line skipped"]
    with pytest.raises(SourceError, match=r"^d\.jsonl, line 3: not JSON; fix the line$"):
        strict.skip_part("d.jsonl, line 3: not JSON", "line", fix="; fix the line")


def test_guard_skips_a_source_error_and_lets_other_errors_through() -> None:
    policy = SourcePolicy("skip")
    done = []
    for name in ("a", "bad", "c"):
        with policy.guard():
            if name == "bad":
                raise SourceError("bad.txt has no text")
            done.append(name)
    assert done == ["a", "c"]
    assert policy.warnings == ["skipped bad.txt has no text"]
    with pytest.raises(KeyError), policy.guard():
        raise KeyError("not a source problem")


def test_a_workers_warnings_are_absorbed_in_order_and_logged_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    worker, main = SourcePolicy("skip", echo=False), SourcePolicy("skip")
    with caplog.at_level(logging.WARNING, logger="retrieval.ingest"):
        worker.skip("a.txt is empty")
        worker.skip("b.txt is empty")
        assert caplog.records == []  # a worker only collects
        main.absorb(worker.warnings)
    assert main.warnings == ["skipped a.txt is empty", "skipped b.txt is empty"]
    assert len(caplog.records) == 2


def test_nothing_usable_names_the_first_few() -> None:
    policy = SourcePolicy("skip")
    for i in range(8):
        policy.skip(f"f{i}.txt is empty")
    message = str(policy.nothing_usable(shown=3))
    assert message.startswith("no usable sources: skipped f0.txt is empty; ")
    assert "f3.txt" not in message and message.endswith("; and 5 more")
