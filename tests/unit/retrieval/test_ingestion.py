"""Tests for loading and cleaning sources: the seed articles, synthetic texts, bad files."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.config import Settings
from retrieval.answer.library import Library
from retrieval.errors import SourceError
from retrieval.index.update import build_index
from retrieval.ingest.cleaning import clean_document
from retrieval.ingest.passages import passage_spans
from retrieval.model import Source
from retrieval.settings import CleaningRules, RetrievalSettings
from retrieval.text.repeats import repeat_key
from retrieval.text.sentences import split_sentences
from tests.support.seed_facts import FURNITURE, SEED_000, SEED_004

TinyCorpus = Callable[..., RetrievalSettings]  # the `tiny_corpus` fixture

HEADINGS_004 = (
    "Core Differences",
    "China Factor?",
    "Contours of Russia-U.S. engagement",
    "Common Russian-American Interests",
)


def source(library: Library, file: str) -> Source:
    found = library.find_source(file)
    assert found is not None, f"{file} did not load"
    return found


def texts(src: Source) -> list[str]:
    return [p.text for p in src.paragraphs]


# --- The seed articles ------------------------------------------------------------------


@pytest.mark.parametrize(("file", "count"), [(SEED_000, 16), (SEED_004, 13)])
def test_seed_paragraph_counts(library: Library, file: str, count: int) -> None:
    src = source(library, file)
    assert len(src.paragraphs) == count
    assert [p.number for p in src.paragraphs] == list(range(1, count + 1))
    assert all(p.source == file for p in src.paragraphs)


def test_seeds_load_without_warnings(library: Library) -> None:
    assert [s.file for s in library.sources] == [SEED_000, SEED_004]
    assert [s.number for s in library.sources] == [1, 2]
    assert library.index.warnings == ()


@pytest.mark.parametrize("file", [SEED_000, SEED_004])
@pytest.mark.parametrize("furniture", FURNITURE)
def test_no_furniture_in_any_paragraph(library: Library, file: str, furniture: str) -> None:
    for para in source(library, file).paragraphs:
        assert furniture not in para.text, f"¶{para.number}"


@pytest.mark.parametrize("file", [SEED_000, SEED_004])
def test_no_duplicate_or_contained_paragraphs(library: Library, file: str) -> None:
    keys = [repeat_key(t) for t in texts(source(library, file))]
    assert len(set(keys)) == len(keys)
    for i, inner in enumerate(keys):
        for j, outer in enumerate(keys):
            assert i == j or inner not in outer, f"¶{i + 1} stands inside ¶{j + 1}"


@pytest.mark.parametrize("file", [SEED_000, SEED_004])
def test_paragraphs_are_single_clean_lines(library: Library, file: str) -> None:
    for text in texts(source(library, file)):
        assert text == text.strip()
        assert "\n" not in text
        assert "  " not in text


def test_duplicated_lead_paragraph_appears_once(library: Library) -> None:
    lead = "On May 12, 2015, US Secretary of State John Kerry arrived in Sochi"
    paras = source(library, SEED_000).paragraphs
    assert [p.number for p in paras if lead in p.text] == [1]
    assert paras[0].text.startswith(lead)
    assert paras[0].text.endswith("RIAC expert, shares his commentary.")


def test_repeated_shorter_paragraphs_are_folded_into_the_longer(library: Library) -> None:
    paras = source(library, SEED_000).paragraphs
    reboot = "This is a new attempt to reboot relations, but from the Russian side."
    assert [p.number for p in paras if reboot in p.text] == [15]
    assert paras[14].text.endswith("The US cannot afford to talk about a restart at this point.")
    resolve = "Russia is trying to resolve the Ukrainian crisis."
    assert [p.number for p in paras if resolve in p.text] == [8]


def test_caption_only_inside_last_paragraph(library: Library) -> None:
    caption = (
        "John Kerry laying a wreath at the memorial to the fallen in the Great Patriotic War "
        "was a moment that played a positive symbolic role during the visit"
    )
    paras = source(library, SEED_000).paragraphs
    assert [p.number for p in paras if "laying a wreath" in p.text] == [16]
    assert paras[-1].text.startswith(caption + ".")
    assert paras[-1].text != caption


def test_headings_become_sections(library: Library) -> None:
    src = source(library, SEED_004)
    sections = [p.section for p in src.paragraphs]
    assert sections == [
        None,
        "Core Differences",
        "Core Differences",
        *["Contours of Russia-U.S. engagement"] * 5,
        "China Factor?",
        *["Common Russian-American Interests"] * 4,
    ]
    for heading in HEADINGS_004:
        assert heading not in texts(src)
        assert not any(t.startswith(heading) for t in texts(src))


def test_seed_000_has_no_sections_and_is_called_by_its_author(library: Library) -> None:
    src = source(library, SEED_000)
    assert {p.section for p in src.paragraphs} == {None}
    # The article prints no title: it is called by what is known of it, not its file name.
    assert (src.meta.title, src.meta.titled) == ("Dmitry Danilov, RIAC", False)
    assert src.meta.byline == ""  # the label already says it
    assert src.meta.author == "Dmitry Danilov"
    assert src.meta.publisher == "RIAC"


def test_title_and_byline_are_metadata(library: Library, settings: Settings) -> None:
    src = source(library, SEED_004)
    given = settings.retrieval.sources.metadata[SEED_004]
    assert given.title is not None
    assert src.meta.title == given.title
    assert src.meta.author == "Rajorshi Roy"
    assert src.meta.publisher == "Institute for Defence Studies and Analyses"
    for text in texts(src):
        assert "Rajorshi Roy" not in text
        assert "Kerry’s Visit To Sochi" not in text
    assert src.paragraphs[0].text.startswith("The U.S. Secretary of State John Kerry paid")


def test_title_from_text_matches_config(settings: Settings, repo_root: Path) -> None:
    # Without sources.yaml the title line of 004 is still taken out of the body as its title.
    raw = (repo_root / "seeds" / SEED_004).read_text(encoding="utf-8")
    doc = clean_document(raw, settings.retrieval.cleaning)
    assert doc.title == "Kerry’s Visit To Sochi: New Dynamics Of Russia-US Engagement – Analysis"
    assert doc.author == "Rajorshi Roy"
    assert len(doc.paragraphs) == 13


def test_hard_wrapped_lines_are_joined(library: Library) -> None:
    sentence = "This was the central subject of the discussion during the meeting."
    holders = [p for p in source(library, SEED_000).paragraphs if sentence in p.text]
    assert [p.number for p in holders] == [9]
    assert sentence in split_sentences(holders[0].text)


def test_footnote_marker_and_footnote_survive(library: Library) -> None:
    paras = source(library, SEED_004).paragraphs
    assert "‘escalation dominance’1 in the region" in paras[5].text
    assert paras[-1].text.startswith("1. ‘Escalation dominance’ involves")


# --- clean_document on synthetic texts --------------------------------------------------


@pytest.fixture
def rules(settings: Settings) -> CleaningRules:
    return settings.retrieval.cleaning


def test_markdown_title_and_headings(rules: CleaningRules) -> None:
    raw = (
        "# The Summit In Sochi\n\n"
        "Kerry met Lavrov in Sochi.\n\n"
        "## What Was Agreed ##\n\n"
        "They agreed to keep talking.\n\n"
        "They also discussed Syria.\n"
    )
    doc = clean_document(raw, rules)
    assert doc.title == "The Summit In Sochi"
    assert doc.paragraphs == (
        (None, "Kerry met Lavrov in Sochi."),
        ("What Was Agreed", "They agreed to keep talking."),
        ("What Was Agreed", "They also discussed Syria."),
    )


def test_byline_becomes_author(rules: CleaningRules) -> None:
    raw = "A Plain Title\n\nBy Jane Q. Doe\n\nThe first paragraph says something.\n"
    doc = clean_document(raw, rules)
    assert doc.title == "A Plain Title"
    assert doc.author == "Jane Q. Doe"
    assert doc.paragraphs == ((None, "The first paragraph says something."),)


def test_byline_inside_the_body_is_text(rules: CleaningRules) -> None:
    raw = "The first paragraph says something.\n\nBy Jane Doe\n\nThe end of it.\n"
    doc = clean_document(raw, rules)
    assert doc.author is None
    assert (None, "The first paragraph says something.") in doc.paragraphs


def test_sentence_first_line_is_not_a_title(rules: CleaningRules) -> None:
    doc = clean_document("Kerry met Lavrov in Sochi.\n\nThey talked.\n", rules)
    assert doc.title is None
    assert [t for _, t in doc.paragraphs] == ["Kerry met Lavrov in Sochi.", "They talked."]


def test_heading_too_long_is_a_paragraph(rules: CleaningRules) -> None:
    long_line = " ".join(["Word"] * (rules.heading_max_words + 1))
    doc = clean_document(f"Body text here.\n\n{long_line}\n\nMore body text.\n", rules)
    assert [t for _, t in doc.paragraphs] == ["Body text here.", long_line, "More body text."]
    assert {s for s, _ in doc.paragraphs} == {None}


def test_pull_quote_dropped_and_short_repeat_kept(rules: CleaningRules) -> None:
    quote = "the sanctions would be lifted if the process develops positively"
    body = (
        "Moreover, the US administration mentioned for the first time that "
        f"{quote}. The issue of Crimea was not brought up at all."
    )
    raw = f"Intro sentence here.\n\n“{quote.capitalize()}”\n\n{body}\n\nIt is lifted.\n\nYes.\n"
    doc = clean_document(raw, rules)
    # The pull-quote repeats the body (case and punctuation aside): dropped. "Yes." is too
    # short for the repeat rule, so a one-word paragraph that occurs elsewhere stays.
    assert [t for _, t in doc.paragraphs] == ["Intro sentence here.", body, "It is lifted.", "Yes."]


def test_furniture_lines_dropped_and_truncation(rules: CleaningRules) -> None:
    raw = (
        "Print\nShare this article\n\n"
        "The real text starts here.\n"
        "Photo: Someone Else\n\n"
        "example.com\n\n"
        "Poll conducted\n\n1. A question?\n Yes\n 33 (31%)\n No\n 2 (2%)\n\n"
        "The real text ends here.\n\n"
        "Views expressed are of the author.\n\n"
        "Anything after is dropped.\n"
    )
    doc = clean_document(raw, rules)
    assert [t for _, t in doc.paragraphs] == [
        "The real text starts here.",
        "The real text ends here.",
    ]


def test_wrapped_lines_and_soft_hyphens_joined() -> None:
    doc = clean_document(
        "It was a long\nwrapped sen\u00adtence.\r\nStill the same one.\n", CleaningRules()
    )
    assert doc.paragraphs == ((None, "It was a long wrapped sentence. Still the same one."),)


def test_invisible_characters_removed() -> None:
    doc = clean_document("Ker\u200bry met\u00a0Lav\u200drov in Sochi.\n", CleaningRules())
    assert doc.paragraphs == ((None, "Kerry met Lavrov in Sochi."),)


def test_empty_text_has_no_paragraphs() -> None:
    assert clean_document(" \n\n\t\n", CleaningRules()).paragraphs == ()


# --- Building from files (retrieval.ingest) ------------------------------------------


def test_empty_folder_names_the_folder(tiny_corpus: TinyCorpus) -> None:
    cfg = tiny_corpus({"notes.xyz": "Not a source format.\n"})
    folder = cfg.sources.folders[0]
    with pytest.raises(SourceError, match=r"^no \S+ files in ") as err:
        build_index(cfg)
    assert str(folder) in str(err.value)


def test_missing_folder_names_the_folder(tiny_corpus: TinyCorpus, tmp_path: Path) -> None:
    cfg = tiny_corpus({"a.txt": "Some text here."})
    missing = tmp_path / "no-such-folder"
    sources = dataclasses.replace(cfg.sources, folders=(missing,))
    with pytest.raises(SourceError, match="does not exist") as err:
        build_index(dataclasses.replace(cfg, sources=sources))
    assert str(missing) in str(err.value)


GOOD = "A Good Title\n\nKerry met Lavrov in Sochi. They talked about Ukraine.\n"
BAD_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))


def test_non_utf8_file_is_read_in_its_encoding_with_a_warning(
    tiny_corpus: TinyCorpus, caplog: pytest.LogCaptureFixture
) -> None:
    russian = "Встреча в Сочи\n\nКерри встретился с Лавровым в Сочи. Они говорили об Украине.\n"
    cfg = tiny_corpus(
        {"a_good.txt": GOOD, "b_cp1251.txt": russian.encode("cp1251"), "c_good.md": GOOD}
    )
    with caplog.at_level(logging.WARNING, logger="retrieval.ingest"):
        loaded = build_index(cfg)
    assert [s.file for s in loaded.sources] == ["a_good.txt", "b_cp1251.txt", "c_good.md"]
    assert loaded.sources[1].paragraphs[0].text.startswith("Керри встретился с Лавровым")
    assert len(loaded.warnings) == 1
    assert "b_cp1251.txt is not UTF-8: read as cp1251" in loaded.warnings[0]
    assert any("b_cp1251.txt" in r.getMessage() for r in caplog.records)


def test_binary_file_is_an_error_when_configured(tiny_corpus: TinyCorpus) -> None:
    cfg = tiny_corpus({"a_good.txt": GOOD, "b_bad.txt": BAD_BYTES}, on_error="error")
    with pytest.raises(SourceError, match=r"b_bad\.txt is binary data"):
        build_index(cfg)


def test_empty_file_skipped_with_warning(tiny_corpus: TinyCorpus) -> None:
    cfg = tiny_corpus({"empty.txt": "", "blank.md": "\n  \n", "good.txt": GOOD})
    loaded = build_index(cfg)
    assert [s.file for s in loaded.sources] == ["good.txt"]
    assert len(loaded.warnings) == 2
    assert any("empty.txt" in w for w in loaded.warnings)
    assert any("blank.md" in w for w in loaded.warnings)


def test_only_bad_files_is_an_error(tiny_corpus: TinyCorpus) -> None:
    cfg = tiny_corpus({"empty.txt": "", "bad.txt": BAD_BYTES})
    with pytest.raises(SourceError, match="no usable sources") as err:
        build_index(cfg)
    assert "empty.txt" in str(err.value)
    assert "bad.txt" in str(err.value)


def test_files_found_recursively_in_path_order(tiny_corpus: TinyCorpus) -> None:
    cfg = tiny_corpus({"b.txt": GOOD, "sub/a.md": GOOD, "a.txt": GOOD, "skip.pdf": GOOD})
    loaded = build_index(cfg)
    assert [s.file for s in loaded.sources] == ["a.txt", "b.txt", "sub/a.md"]


def test_metadata_fallback(tiny_corpus: TinyCorpus) -> None:
    cfg = tiny_corpus(
        {
            "titled.txt": GOOD,
            "untitled.txt": "Kerry met Lavrov in Sochi. They talked.\n\nMore text follows.\n",
        }
    )
    by_file = {s.file: s for s in build_index(cfg).sources}
    assert by_file["titled.txt"].meta.title == "A Good Title"
    assert by_file["titled.txt"].meta.author is None
    assert by_file["untitled.txt"].meta.title == "untitled.txt"
    assert len(by_file["untitled.txt"].paragraphs) == 2


def test_metadata_from_config_wins(tiny_corpus: TinyCorpus, settings: Settings) -> None:
    given = settings.retrieval.sources.metadata[SEED_004]
    cfg = tiny_corpus({"x.txt": "By Someone Else\n\nText of it here.\n"}, metadata={"x.txt": given})
    (src,) = build_index(cfg).sources
    assert src.meta.title == given.title
    assert src.meta.author == "Rajorshi Roy"
    assert src.meta.file == "x.txt"


LONG_SENTENCES = [
    f"Sentence number {i} talks about Kerry, Lavrov and the talks in Sochi at length."
    for i in range(1, 13)
]


def test_long_paragraph_split_at_sentences(tiny_corpus: TinyCorpus) -> None:
    paragraph = " ".join(LONG_SENTENCES)
    cfg = tiny_corpus({"long.txt": paragraph + "\n\nA short one.\n"}, max_passage_chars=200)
    passages = list(build_index(cfg).passages)
    long_parts = [p for p in passages if p.paragraph == 1]
    assert len(long_parts) == 6  # two 80-character sentences fit in 200, three do not
    assert [p.part for p in long_parts] == list(range(1, 7))
    assert " ".join(p.text for p in long_parts) == paragraph
    for part in long_parts:
        assert len(part.text) <= 200
        assert part.text.endswith("at length.")
        assert part.text.startswith("Sentence number")
    assert [(p.paragraph, p.part, p.text) for p in passages[6:]] == [(2, 1, "A short one.")]
    assert [p.id for p in passages] == list(range(len(passages)))


def test_short_paragraph_is_one_passage() -> None:
    text = " ".join(LONG_SENTENCES)
    assert passage_spans(text, len(text)) == [(0, len(text))]


@pytest.mark.parametrize(("max_chars", "parts"), [(33, 3), (34, 2), (51, 2), (52, 1)])
def test_passage_limit_is_exact(max_chars: int, parts: int) -> None:
    text = "Kerry met Lavrov. Putin met Kerry. Lavrov met Putin."  # 17 + 1 + 16 + 1 + 17
    passages = [text[a:b] for a, b in passage_spans(text, max_chars)]
    assert len(passages) == parts
    assert all(len(p) <= max_chars for p in passages)
    assert " ".join(passages) == text
