"""Tests for retrieval.text.sentences: where news prose ends a sentence and where it does not."""

from __future__ import annotations

import pytest

from retrieval.answer.library import Library
from retrieval.text.sentences import THAI_MIN_CHARS, sentence_spans, split_sentences

CASES: list[tuple[str, list[str]]] = [
    # Dotted acronyms: inside a sentence, and ending one before a sentence opener.
    (
        "The U.S. Secretary of State arrived. He met Putin.",
        ["The U.S. Secretary of State arrived.", "He met Putin."],
    ),
    (
        "Sanctions were imposed by the U.S. The EU followed.",
        ["Sanctions were imposed by the U.S.", "The EU followed."],
    ),
    ("Ties between Russia and the U.S. are poor.", ["Ties between Russia and the U.S. are poor."]),
    # Titles and dates.
    (
        "Dr. Smith met Mr. Jones on May 12, 2015. They talked.",
        ["Dr. Smith met Mr. Jones on May 12, 2015.", "They talked."],
    ),
    (
        "It was signed on Sept. 5 in Minsk. Nobody came.",
        ["It was signed on Sept. 5 in Minsk.", "Nobody came."],
    ),
    # One-letter abbreviations before a number: circa, born, died.
    (
        "It included Jacques Lefevre (c. 1455–1536). He taught in Paris.",
        ["It included Jacques Lefevre (c. 1455–1536).", "He taught in Paris."],
    ),
    ("Ann Lee (b. 1950) sings. She won.", ["Ann Lee (b. 1950) sings.", "She won."]),
    # Initials.
    ("John F. Kennedy spoke. Then he left.", ["John F. Kennedy spoke.", "Then he left."]),
    ("J. R. R. Tolkien wrote books. He died.", ["J. R. R. Tolkien wrote books.", "He died."]),
    # Quotes closing a sentence: curly double, curly single, straight.
    ("He said “Stop.” Then he left.", ["He said “Stop.”", "Then he left."]),
    (
        "Officials called the talks ‘extremely positive.’ Then they ate.",
        ["Officials called the talks ‘extremely positive.’", "Then they ate."],
    ),
    ('He said "Stop." Then he left.', ['He said "Stop."', "Then he left."]),
    ("“Why?” he asked. “Because.”", ["“Why?” he asked.", "“Because.”"]),
    ("He left. “We stay,” she said.", ["He left.", "“We stay,” she said."]),
    # Dashes are not sentence ends.
    (
        "This was no routine visit – John Kerry has not been to Moscow — not for years. Next.",
        ["This was no routine visit – John Kerry has not been to Moscow — not for years.", "Next."],
    ),
    # Footnote markers after a quote or after the full stop.
    (
        "Moscow retains ‘escalation dominance’1 in the region. Therefore, it waits.",
        ["Moscow retains ‘escalation dominance’1 in the region.", "Therefore, it waits."],
    ),
    ("The war ended.1 Next came peace.", ["The war ended.1", "Next came peace."]),
    (
        "The deal was backed by the U.S.2 Russia disagreed.",
        ["The deal was backed by the U.S.2", "Russia disagreed."],
    ),
    # Decimals and numbers.
    (
        "Growth was 1.5 percent in 2015. Inflation was 12.5 percent.",
        ["Growth was 1.5 percent in 2015.", "Inflation was 12.5 percent."],
    ),
    (
        "It cost 12,000 dollars. 3.5 million people saw it.",
        ["It cost 12,000 dollars.", "3.5 million people saw it."],
    ),
    # Question and exclamation marks.
    ("Is it true? Yes! It is.", ["Is it true?", "Yes!", "It is."]),
    ("What else was discussed? Syria.", ["What else was discussed?", "Syria."]),
    ("He left... And then?", ["He left...", "And then?"]),
    # Lowercase after a full stop never opens a sentence; e.g. is an abbreviation.
    ("See e.g. the report. It helps.", ["See e.g. the report.", "It helps."]),
    ("The vote was 5 vs. 4 in favour.", ["The vote was 5 vs. 4 in favour."]),
    # Brackets and Cyrillic.
    ("Kerry came (again.) Lavrov waited.", ["Kerry came (again.)", "Lavrov waited."]),
    (
        "Керри прибыл в Сочи. Он встретился с Путиным.",
        ["Керри прибыл в Сочи.", "Он встретился с Путиным."],
    ),
    # No terminal punctuation at all.
    ("A heading without a stop", ["A heading without a stop"]),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_blank_text_has_no_sentences(text: str) -> None:
    assert split_sentences(text) == []
    assert sentence_spans(text) == []


def test_surrounding_whitespace_is_stripped() -> None:
    assert split_sentences("  One here.   Two there.  ") == ["One here.", "Two there."]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_spans_point_at_sentences(text: str, expected: list[str]) -> None:
    spans = sentence_spans(text)
    assert [text[a:b] for a, b in spans] == expected
    assert all(a < b for a, b in spans)
    assert all(spans[i][1] <= spans[i + 1][0] for i in range(len(spans) - 1))


def test_seed_paragraphs_round_trip(library: Library) -> None:
    # Paragraphs are single-spaced, so joining the sentences with spaces gives them back.
    for src in library.sources:
        for para in src.paragraphs:
            sentences = split_sentences(para.text)
            assert " ".join(sentences) == para.text
            assert all(s == s.strip() and s for s in sentences)


def test_seed_sentence_counts(library: Library) -> None:
    lead = library.sources[1].paragraphs[0].text
    assert split_sentences(lead)[:3] == [
        "The U.S. Secretary of State John Kerry paid an official visit to Sochi on May 12, 2015.",
        "This was his first trip to Russia since the outbreak of the Ukrainian crisis in "
        "November 2013.",
        "He held discussions with both President Putin and Foreign Minister Sergei Lavrov.",
    ]
    assert len(split_sentences(lead)) == 7


# (text, language, sentences): every script's full stops, and what is not one.
LANGUAGE_CASES: list[tuple[str, str | None, list[str]]] = [
    (
        "北京是首都。上海很大！你知道吗？对。",
        "zh",
        ["北京是首都。", "上海很大！", "你知道吗？", "对。"],
    ),
    ("「東京です。」そうです。", "ja", ["「東京です。」", "そうです。"]),
    ("यह एक वाक्य है। यह दूसरा है।", "hi", ["यह एक वाक्य है।", "यह दूसरा है।"]),
    # Arabic has no capitals: an uncased letter after the stop opens a sentence.
    (
        "ذهب إلى المدرسة. ثم عاد إلى البيت؟ نعم.",
        "ar",
        ["ذهب إلى المدرسة.", "ثم عاد إلى البيت؟", "نعم."],
    ),
    ("Τι είναι αυτό; Είναι ένα βιβλίο.", "el", ["Τι είναι αυτό;", "Είναι ένα βιβλίο."]),
    # ";" is a question mark in Greek only.
    ("He waited; Then he left.", "en", ["He waited; Then he left."]),
    ("He waited; Then he left.", None, ["He waited; Then he left."]),
    # Ordinals with a full stop, where a language writes them so.
    (
        "Er kam am 31. August 2009 an. Im 16. Jahrhundert war das anders.",
        "de",
        ["Er kam am 31. August 2009 an.", "Im 16. Jahrhundert war das anders."],
    ),
    ("It was chapter 16. Then came more.", "en", ["It was chapter 16.", "Then came more."]),
    # Thousands separators are not footnote markers.
    (
        "Die Stadt hatte 711.988 Einwohner. Das war viel.",
        "de",
        ["Die Stadt hatte 711.988 Einwohner.", "Das war viel."],
    ),
    (
        "Керри прибыл в Сочи. Он встретился с Путиным.",
        "ru",
        ["Керри прибыл в Сочи.", "Он встретился с Путиным."],
    ),
]


@pytest.mark.parametrize(("text", "language", "expected"), LANGUAGE_CASES)
def test_sentences_in_every_script(text: str, language: str | None, expected: list[str]) -> None:
    assert split_sentences(text, language) == expected
    spans = sentence_spans(text, language)
    assert [text[a:b] for a, b in spans] == expected


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_english_cases_hold_with_the_language_given(text: str, expected: list[str]) -> None:
    assert split_sentences(text, "en") == expected


# Thai writes no terminator: a space between Thai letters ends a sentence once it is long
# enough, not after a short phrase or a name, and never after the repetition mark ๆ.
_THAI_FIRST = "นอกจากนี้อาคารโรงละครยังประกอบด้วยโรงละครคาบาเรต์แห่งแรกของวอร์ซอว์และโรงละครเพลงอีกด้วย"
_THAI_SECOND = "โรงละครเพลงคือตัวอย่างที่ดีที่สุด"


def test_thai_splits_at_a_space_after_a_long_enough_sentence() -> None:
    assert len(_THAI_FIRST) >= THAI_MIN_CHARS
    text = f"{_THAI_FIRST}  {_THAI_SECOND}"
    assert split_sentences(text, "th") == [_THAI_FIRST, _THAI_SECOND]
    assert [text[a:b] for a, b in sentence_spans(text, "th")] == [_THAI_FIRST, _THAI_SECOND]


def test_thai_keeps_short_phrases_and_repetition_marks_together() -> None:
    short = "ใกล้ๆ กันนั้นซัมเมอร์เธียเตอร์ซึ่งอยู่ใน ออกรุดซาสกี"
    assert split_sentences(short, "th") == [short]
    repeated = f"{_THAI_FIRST}ๆ {_THAI_SECOND}"
    assert split_sentences(repeated, None) == [repeated]
