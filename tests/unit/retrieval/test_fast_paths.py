"""The build's fast paths give exactly what the plain definitions give.

Counting by whitespace piece (term_counts), the ASCII shortcut of clean_text, the
surrogate check of formats and the split-free repeat key each replace a slower, obvious
computation; these tests hold each to that computation on arbitrary text.
"""

from __future__ import annotations

import gc
import json
import re
from array import array
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from retrieval.index import parallel, term_counts
from retrieval.index.builder import IndexBuilder
from retrieval.index.parallel import Job
from retrieval.index.term_counts import TermCounter
from retrieval.index.vocabulary import Vocabulary
from retrieval.ingest.cleaning import _contained
from retrieval.ingest.documents import _mended
from retrieval.ingest.formats.jsonl import LineChunk
from retrieval.ingest.formats.raw import SURROGATE
from retrieval.model import Paragraph, Source, SourceMeta
from retrieval.settings import RetrievalSettings
from retrieval.text.repeats import _KEY_EDGES, repeat_key
from retrieval.text.tokenize import _INVISIBLE_RE, Tokenizer, clean_text

# Letters, digits, the punctuation the tokenizer treats specially, spaces of several kinds,
# Cyrillic, a combining accent and an underscore: the alphabet of tricky pieces.
_ALPHABET = [*"abcXYZ019 .,'’ʼ-_()\"“”!?;:…/\t\n\u00a0\u2009ёжЖ\u0301", "U.S.", "the "]
_TEXT = st.lists(st.sampled_from(_ALPHABET), max_size=40).map("".join)


def _reference(tokenizer: Tokenizer, vocab: Vocabulary, text: str) -> Counter[str]:
    """The plain definition: tokenize the whole text with the regex, count the terms."""
    counts = Counter(tokenizer.tokenize(text))
    for term in counts:  # the counter must have added every term to the vocabulary
        assert term in vocab.ids
    return counts


def _counted(counter: TermCounter, texts: list[str]) -> list[Counter[str]]:
    stream: list[int] = []
    ends = array("q")
    for text in texts:
        counter.add_codes(stream, text)
        ends.append(len(stream))
    terms, tfs, lengths = counter.count_rows(stream, ends)
    rows: list[Counter[str]] = []
    at = 0
    for n in lengths.tolist():
        ids, counts = terms[at : at + n].tolist(), tfs[at : at + n].tolist()
        assert ids == sorted(ids) and len(set(ids)) == len(ids)
        rows.append(Counter({counter.vocab.terms[i]: c for i, c in zip(ids, counts, strict=True)}))
        at += n
    return rows


@settings(max_examples=300, deadline=None)
@given(st.lists(_TEXT, max_size=8))
@example(["US-Russia talks, Kerry’s visit", "the of and", "", "U.S.-led 1,000 e.g."])
def test_piece_counts_equal_whole_text_tokenizing(texts: list[str]) -> None:
    tokenizer = Tokenizer.from_settings(RetrievalSettings().tokenizer)
    vocab = Vocabulary.empty()
    counter = TermCounter(tokenizer, vocab)
    clean = [clean_text(t) for t in texts]
    rows = _counted(counter, clean)
    assert rows == [_reference(tokenizer, vocab, t) for t in clean]
    # A second pass over the same text hits the caches only, and must agree with the first.
    assert _counted(counter, clean) == rows


def test_edge_punctuation_is_never_part_of_a_word() -> None:
    assert not [c for c in term_counts._EDGE_PUNCTUATION if re.match(r"\w", c)]


def test_trim_forgets_pieces_but_not_terms(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(term_counts, "PIECE_LIMIT", 3)
    tokenizer = Tokenizer.from_settings(RetrievalSettings().tokenizer)
    counter = TermCounter(tokenizer, Vocabulary.empty())
    first = _counted(counter, ["Russia-US talks in Sochi, Kerry’s visit"])
    counter.trim()
    assert not counter._pieces and not counter._multi
    ids_before = dict(counter.vocab.ids)
    assert _counted(counter, ["Russia-US talks in Sochi, Kerry’s visit"]) == first
    assert counter.vocab.ids == ids_before  # the vocabulary only grows; ids stay


def test_builder_forward_rows_count_title_and_text() -> None:
    cfg = RetrievalSettings()
    builder = IndexBuilder(cfg, Tokenizer.from_settings(cfg.tokenizer))
    text = "Sanctions, sanctions and more U.S.-EU sanctions."
    meta = SourceMeta(file="a.txt", title="Sanctions")
    builder.add(Source(1, meta, (Paragraph("a.txt", 1, text),)), origin="a.txt")
    cols = builder.columns()
    terms = [builder.vocab.terms[i] for i in cols.forward.terms.tolist()]
    row = dict(zip(terms, cols.forward.tfs.tolist(), strict=True))
    weight = cfg.index.title_weight
    assert row == {"sanction": 3 + weight, "us": 1, "eu": 1}
    assert cols.forward.offsets.tolist() == [0, 3]


@settings(max_examples=500)
@given(st.text(alphabet=st.characters(max_codepoint=127)))
@example("tab\tand\nnewline\x00nul\x7fdel\x1bescape")
def test_clean_text_ascii_shortcut_equals_the_regex(text: str) -> None:
    assert clean_text(text) == _INVISIBLE_RE.sub("", text)


@settings(max_examples=500)
@given(st.text())
@example("lone \ud800 surrogate")
@example("no surrogate: ‘quoted’")
def test_mended_equals_substituting_surrogates(text: str) -> None:
    assert _mended(text) == SURROGATE.sub("\ufffd", text)


@settings(max_examples=1000)
@given(st.one_of(_TEXT, st.text()))
@example("  Quoted,  spaced  ")
@example("thin\u2009space")
def test_repeat_key_equals_split_join(text: str) -> None:
    assert repeat_key(text) == " ".join(text.casefold().split()).strip(_KEY_EDGES)


@settings(max_examples=500)
@given(st.lists(st.text(alphabet="ab ", min_size=1, max_size=12), unique=True, max_size=8))
@example(["aa", "aaa", "aba", "ababa"])
def test_contained_equals_counting_in_all_keys(keys: list[str]) -> None:
    joined = "\n".join(keys)
    expected = {n for n, key in enumerate(keys) if len(key) >= 2 and joined.count(key) >= 2}
    assert _contained(keys, 2) == expected


def test_sparse_search_ranks_exactly_as_the_dense_scores(monkeypatch: pytest.MonkeyPatch) -> None:
    import random

    import numpy as np

    from retrieval.index import engines

    rng = random.Random(0)
    words = [f"w{i}" for i in range(300)]
    corpus = [
        [rng.choice(words[: rng.randint(5, 300)]) for _ in range(rng.randint(1, 30))]
        for _ in range(3000)
    ]
    engine = engines.SparseEngine.build(corpus, "lucene", 1.2, 0.75)
    queries = [rng.sample(words, rng.randint(1, 6)) + ["unseen"] * (i % 2) for i in range(300)]
    for share in (engines.SPARSE_SHARE, 10**9, 1):  # as set; always sparse; always dense
        monkeypatch.setattr(engines, "SPARSE_SHARE", share)
        for terms in queries:
            found = engine.search(terms, 10)
            dense = engines.top_k(engine.scores(terms), 10)
            assert np.array_equal(found.ids, dense.ids), terms
            assert np.array_equal(found.scores, dense.scores), terms
    assert engine.search(["unseen"], 10).ids.size == 0


def test_rare_terms_first_ranks_exactly_as_the_dense_scores(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Zipf-like words: a few in most passages, most in a few. Queries mix them (repeats
    # too); the rare-first path must give the dense ranking and scores, ties included,
    # whenever it answers, and it must answer for many of them.
    import random

    import numpy as np

    from retrieval.index import engines

    rng = random.Random(1)
    words = [f"w{i}" for i in range(2000)]
    weights = [1 / (i + 1) for i in range(len(words))]
    corpus = [rng.choices(words, weights, k=rng.randint(3, 40)) for _ in range(4000)]
    engine = engines.SparseEngine.build(corpus, "lucene", 0.9, 0.4)
    common = [w for w in words[:40] if engine.doc_freq(w) * engines.SPARSE_SHARE >= 4000]
    queries = [
        rng.sample(common, rng.randint(1, 4))
        + rng.sample(words[100:], rng.randint(0, 3))
        + [common[0]] * (i % 3 == 0)
        for i in range(400)
    ]
    answered = 0
    real = engines.SparseEngine._rare_first

    def counted(self: engines.SparseEngine, spans: list[tuple[int, int]], k: int) -> object:
        nonlocal answered
        found = real(self, spans, k)
        answered += found is not None
        return found

    monkeypatch.setattr(engines.SparseEngine, "_rare_first", counted)
    for k in (1, 3, 22):
        for terms in queries:
            found = engine.search(terms, k)
            dense = engines.top_k(engine.scores(terms), k)
            assert np.array_equal(found.ids, dense.ids), (terms, k)
            assert np.array_equal(found.scores, dense.scores), (terms, k)
    assert answered >= 300, answered


@given(st.text(alphabet="ab .!?…\"')]」』\n", min_size=60, max_size=220))
@example("x" * 90 + "." + ")" * 70)
@example("x" * 90 + ".\n")
@settings(max_examples=400)
def test_is_prose_looks_at_the_end_as_the_regex_does(text: str) -> None:
    from retrieval.ingest import page_lines

    expected = len(text) >= page_lines.PROSE_CHARS and (
        page_lines.SENTENCE_END.search(text) is not None
    )
    assert page_lines.is_prose(text) == expected


def test_a_chunk_of_lines_is_counted_with_the_collector_paused_and_resumed(
    tmp_path: Path,
) -> None:
    lines = b"".join(
        json.dumps({"id": str(i), "text": f"Kerry met Lavrov in Sochi, day {i}."}).encode() + b"\n"
        for i in range(5)
    )
    job = Job(str(tmp_path / "dump.jsonl"), lines=LineChunk(1, lines, 1 << 20), name="dump.jsonl")
    parallel._start_worker(RetrievalSettings())
    assert gc.isenabled()
    try:
        result = parallel._run_job(job)
    finally:
        parallel._WORKER.clear()
    assert gc.isenabled()  # paused for the job only
    assert len(result.columns.records) == 5
    assert result.parsed is not None and result.parsed.ids == ("0", "1", "2", "3", "4")
