"""Tests for retrieval.text.langdetect: the language of a source and of a question."""

from __future__ import annotations

import pytest

from retrieval.text.langdetect import (
    foreign_language,
    profile_language,
    question_language,
    source_language,
)

ARTICLES = {
    "en": "The city council voted on Tuesday to expand the harbour, which has been the "
    "main source of work for the town since the war.",
    "de": "Der Stadtrat hat am Dienstag beschlossen, den Hafen zu erweitern, der seit dem "
    "Krieg die wichtigste Arbeitsquelle der Stadt ist.",
    "es": "El ayuntamiento votó el martes a favor de ampliar el puerto, que ha sido la "
    "principal fuente de trabajo de la ciudad desde la guerra.",
    "ru": "Городской совет во вторник проголосовал за расширение порта, который со времён "
    "войны остаётся главным источником работы для города.",
    "ar": "صوت مجلس المدينة يوم الثلاثاء على توسيع الميناء الذي كان المصدر الرئيسي للعمل "
    "في المدينة منذ الحرب.",
    "zh": "市议会周二投票决定扩建港口，自战争以来，港口一直是该镇的主要工作来源。",
    "el": "Το δημοτικό συμβούλιο ψήφισε την Τρίτη την επέκταση του λιμανιού.",
    "th": "สภาเมืองลงมติเมื่อวันอังคารให้ขยายท่าเรือ",
    "hi": "नगर परिषद ने मंगलवार को बंदरगाह का विस्तार करने के लिए मतदान किया।",
}


@pytest.mark.parametrize(("language", "text"), sorted(ARTICLES.items()))
def test_source_language(language: str, text: str) -> None:
    assert source_language("", [text]) == language


def test_source_language_reads_title_and_first_paragraphs() -> None:
    paragraphs = [ARTICLES["de"][:60], ARTICLES["de"][60:]]
    assert source_language("Hafen", paragraphs) == "de"
    assert source_language("", []) is None
    assert source_language("1914 – 1918", ["42"]) is None


def test_stopword_profile_decides_only_when_clear() -> None:
    assert profile_language(ARTICLES["en"]) == "en"
    assert profile_language(ARTICLES["de"]) == "de"
    assert profile_language("Kerry Lavrov Sochi Putin") is None


@pytest.mark.parametrize(
    ("question", "candidates", "expected"),
    [
        ("Wer war der erste Kaiser?", ("de", "en"), "de"),
        ("Who was the first emperor?", ("de", "en"), "en"),
        ("¿Quién fue el primer emperador?", ("de", "en", "es"), "es"),
        # A single candidate of the question's script needs no model.
        ("Who was the first emperor?", ("en", "ru"), "en"),
        ("Кто был первым императором?", ("en", "ru"), "ru"),
        # Names in Latin letters do not make a question English.
        ("Кто основал McKinsey & Company?", ("en", "ru"), "ru"),
        ("Energiprojekt AB公司位于何处?", ("en", "zh"), "zh"),
        # No candidate writes the question's script: its words go by their own script.
        ("Кто был первым императором?", ("en", "de"), None),
        ("", ("en",), None),
    ],
)
def test_question_language(
    question: str, candidates: tuple[str, ...], expected: str | None
) -> None:
    assert question_language(question, candidates) == expected


@pytest.mark.parametrize(
    ("question", "candidates", "expected"),
    [
        ("Wer war der erste Präsident der Vereinigten Staaten?", ("en",), "de"),
        ("Who was the first president of the United States?", ("en",), None),
        ("Who was the first president of the United States?", ("de", "en"), None),
        # Another script: no model needed.
        ("Кто был первым императором?", ("en", "de"), "ru"),
        ("第一位皇帝是谁？", ("en",), "zh"),
        # A few words or names alone never make the margin.
        ("Kerry Sochi 2015", ("en",), None),
        ("Wer war Tesla?", ("en",), None),
        ("2015", ("en",), None),
    ],
)
def test_foreign_language(question: str, candidates: tuple[str, ...], expected: str | None) -> None:
    assert foreign_language(question, candidates) == expected
