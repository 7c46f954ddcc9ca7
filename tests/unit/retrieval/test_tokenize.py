"""Tests for retrieval.text.tokenize: the one tokenizer shared by passages and questions."""

from __future__ import annotations

import pytest

from retrieval.answer.library import Library
from retrieval.answer.query import parse_question
from retrieval.text.stopwords import ENGLISH, RUSSIAN
from retrieval.text.tokenize import Tokenizer, clean_text

CAPTION = "Александр Гущин: К итогам сочинской встречи"


@pytest.fixture(scope="module")
def tok() -> Tokenizer:
    return Tokenizer()


@pytest.fixture(scope="module")
def plain() -> Tokenizer:
    return Tokenizer(stem=False, stopwords=False)


def test_case_folding(tok: Tokenizer) -> None:
    assert tok.tokenize("KERRY Kerry kerry") == ["kerri"] * 3
    assert tok.tokenize("SOCHI") == tok.tokenize("sochi") == ["sochi"]


@pytest.mark.parametrize("form", ["Kerry’s", "Kerry's", "Kerryʼs", "KERRY'S"])
def test_possessive_is_the_name(tok: Tokenizer, form: str) -> None:
    assert tok.tokenize(form) == tok.tokenize("Kerry")


def test_possessive_without_stemming(plain: Tokenizer) -> None:
    assert plain.tokenize("Kerry’s Lavrov's") == ["kerry", "lavrov"]
    assert plain.tokenize("don't") == ["dont"]


def test_hyphenated_compound_split(plain: Tokenizer, tok: Tokenizer) -> None:
    assert plain.tokenize("US-Russia") == ["us", "russia"]
    assert tok.tokenize("US-Russia relations") == ["us", "russia", "relat"]
    assert tok.tokenize("counter-productive") == ["counter", "product"]


def test_dotted_acronym_equals_plain(tok: Tokenizer) -> None:
    assert tok.tokenize("U.S.") == tok.tokenize("US") == tok.tokenize("us") == ["us"]
    assert tok.tokenize("Russia-U.S. ties") == ["russia", "us", "tie"]


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("in 2015", ["2015"]),
        ("12,000 troops", ["12000", "troop"]),
        ("1.5 percent", ["1.5", "percent"]),
        ("WWII in 1945", ["wwii", "1945"]),
        ("the year 2018", ["year", "2018"]),
    ],
)
def test_numbers_and_years_kept(tok: Tokenizer, text: str, terms: list[str]) -> None:
    assert tok.tokenize(text) == terms


def test_english_stopwords_removed(tok: Tokenizer, plain: Tokenizer) -> None:
    text = "What is the role of the US and Russia in this?"
    assert tok.tokenize(text) == ["role", "us", "russia"]
    assert "the" in plain.tokenize(text)
    assert tok.tokenize("the of and is a to it") == []
    assert "us" not in ENGLISH  # the country, after case folding


def test_stemming_conflates_forms(tok: Tokenizer) -> None:
    assert tok.tokenize("sanctions") == tok.tokenize("sanction") == ["sanction"]
    assert tok.tokenize("negotiations negotiate") == ["negoti", "negoti"]


def test_russian_caption(tok: Tokenizer, plain: Tokenizer) -> None:
    assert tok.tokenize(CAPTION) == ["александр", "гущин", "итог", "сочинск", "встреч"]
    # "К" is a Russian stopword; stemming brings inflected forms together.
    assert "к" in plain.tokenize(CAPTION)
    assert "к" in RUSSIAN
    assert tok.tokenize("итоги сочинской встречи") == ["итог", "сочинск", "встреч"]
    assert tok.tokenize("Встреча в Сочи и её итоги") == ["встреч", "соч", "итог"]
    assert tok.tokenize("всё ещё") == tok.tokenize("все еще") == []  # ё spelled е


def test_script_chooses_the_stemmer(tok: Tokenizer) -> None:
    # The English stemmer would leave Cyrillic alone, the Russian one Latin.
    assert tok.tokenize("meetings встречи") == ["meet", "встреч"]


@pytest.mark.parametrize(
    "text",
    [
        "Ker\u200bry met Put\u200din",  # zero-width space and joiner
        "\ufeffKerry\u2060 met Putin\u200c",  # BOM, word joiner, non-joiner
        "Kerry met\x07 Putin\x00",  # control characters
        "Kerry\u200e met Putin\u202c",  # direction marks
    ],
)
def test_invisible_characters_do_not_split(tok: Tokenizer, text: str) -> None:
    assert tok.tokenize(text) == ["kerri", "met", "putin"]


def test_control_characters_do_not_crash(tok: Tokenizer) -> None:
    text = "".join(chr(c) for c in range(32)) + "\u200b\u2028\ufeff\ud7ff"
    assert tok.tokenize(text) == []
    assert clean_text("a\tb\nc\u200bd") == "a\tb\ncd"


def test_nfc_normalisation(tok: Tokenizer) -> None:
    composed = "Caf\u00e9"
    decomposed = "Cafe\u0301"
    assert tok.tokenize(composed) == tok.tokenize(decomposed)


def test_spans_point_at_the_words(tok: Tokenizer) -> None:
    text = "Kerry’s visit to Sochi: US-Russia ties, 12,000 U.S. troops and the Кремль."
    spans = tok.spans(text)
    assert [(text[s.start : s.end], s.term) for s in spans] == [
        ("Kerry’s", "kerri"),
        ("visit", "visit"),
        ("Sochi", "sochi"),
        ("US", "us"),
        ("Russia", "russia"),
        ("ties", "tie"),
        ("12,000", "12000"),
        ("U.S.", "us"),
        ("troops", "troop"),
        ("Кремль", "кремл"),
    ]


def test_spans_and_tokenize_agree_on_the_seeds(library: Library) -> None:
    tokenizer = library.index.tokenizer
    for src in library.sources:
        for para in src.paragraphs:
            spans = tokenizer.spans(para.text)
            assert [s.term for s in spans] == tokenizer.tokenize(para.text)
            for s in spans:
                assert tokenizer.term(para.text[s.start : s.end]) == s.term


def test_words_keep_stopwords(tok: Tokenizer) -> None:
    assert tok.words("Kerry’s visit to the U.S.") == ["kerry", "visit", "to", "the", "us"]


def test_same_terms_for_index_and_query(library: Library) -> None:
    index = library.index
    # The question's terms are the ones the passage was indexed under.
    question = "Kerry’s visit to SOCHI, U.S. sanctions"
    terms = parse_question(index, question, corrector=None).terms
    assert terms == ("kerri", "visit", "sochi", "us", "sanction")
    assert all(index.knows(t) for t in terms)
    # A fresh tokenizer (empty cache) agrees with the index's own.
    fresh = Tokenizer.from_settings(library.settings.tokenizer)
    for src in library.sources:
        for para in src.paragraphs:
            assert fresh.tokenize(para.text) == index.tokenizer.tokenize(para.text)


# --- Every script --------------------------------------------------------------------------


def test_devanagari_vowel_signs_stay_in_the_word(plain: Tokenizer) -> None:
    # Python's \w misses vowel signs and the virama: "हिन्दी" fell apart into consonants.
    assert plain.tokenize("हिन्दी भाषा") == ["हिन्दी", "भाषा"]


def test_arabic_harakat_tatweel_and_alef_forms(plain: Tokenizer) -> None:
    arabic = plain.for_language("ar")
    assert arabic.tokenize("العَرَبِيَّة") == arabic.tokenize("العربية") == ["العربية"]
    assert arabic.tokenize("كتـــاب") == ["كتاب"]  # tatweel
    assert arabic.tokenize("أحمد إبراهيم آمن") == ["احمد", "ابراهيم", "امن"]


def test_arabic_stopwords_and_stemming(tok: Tokenizer) -> None:
    arabic = tok.for_language("ar")
    assert arabic.tokenize("في الكتب") == arabic.tokenize("الكتب") == ["كتب"]


def test_chinese_runs_become_bigrams(tok: Tokenizer) -> None:
    assert tok.tokenize("北京大学") == ["北京", "京大", "大学"]
    assert tok.tokenize("马丁·路德") == ["马丁", "路德"]
    assert tok.tokenize("书") == ["书"]  # a lone character stays a unigram
    # A run stops at another script: "iPhone手机" is a Latin word and a Chinese bigram.
    assert tok.tokenize("iPhone手机。") == ["iphon", "手机"]


def test_japanese_kana_and_han_bigrams(tok: Tokenizer) -> None:
    assert tok.for_language("ja").tokenize("東京タワー") == ["東京", "京タ", "タワ", "ワー"]


def test_thai_bigrams_of_grapheme_clusters(tok: Tokenizer) -> None:
    # Thai vowel and tone marks stay with their consonant: units are clusters, not code points.
    assert tok.tokenize("ภาษาไทย") == ["ภา", "าษ", "ษา", "าไ", "ไท", "ทย"]
    assert tok.tokenize("น้ำ") == ["น้ำ"]


def test_cjk_spans_agree_with_terms(tok: Tokenizer) -> None:
    text = "他在北京大学读书。"
    spans = tok.spans(text)
    assert [s.term for s in spans] == tok.tokenize(text)
    assert all(text[s.start : s.end] == s.term for s in spans)


def test_text_language_chooses_stemmer_and_stopwords(tok: Tokenizer) -> None:
    german = tok.for_language("de")
    assert german.tokenize("Wer war der erste Kaiser?") == ["erst", "kais"]
    assert tok.tokenize("Wer war der erste Kaiser?") == ["wer", "war", "der", "erst", "kaiser"]
    spanish = tok.for_language("es")
    assert spanish.tokenize("¿Quién fue el emperador de Roma?") == ["emper", "rom"]


def test_a_word_in_another_script_goes_by_its_script(tok: Tokenizer) -> None:
    german = tok.for_language("de")
    assert german.tokenize("Reise nach Сочи") == ["reis", "соч"]  # Russian for the Cyrillic
    russian = tok.for_language("ru")
    assert russian.tokenize("встречи meetings") == ["встреч", "meet"]  # English for the Latin


def test_turkish_apostrophe_and_dotted_i(tok: Tokenizer) -> None:
    turkish = tok.for_language("tr")
    assert turkish.tokenize("Tesla'nın") == turkish.tokenize("Tesla") == ["tesla"]
    assert turkish.tokenize("İstanbul") == turkish.tokenize("istanbul")
    assert turkish.words("İstanbul'da") == ["istanbul"]


def test_greek_accents_do_not_matter(tok: Tokenizer) -> None:
    greek = tok.for_language("el")
    assert greek.tokenize("πόλεμος") == greek.tokenize("ΠΟΛΕΜΟΣ") == greek.tokenize("πολεμος")
    assert greek.tokenize("και ο πόλεμος") == greek.tokenize("πόλεμος")  # "και", "ο": stopwords


def test_other_numbers_stay_in_the_word(plain: Tokenizer) -> None:
    # `re`'s \w matched "²" and "½"; the Unicode pattern keeps that: "km²" is one word.
    assert plain.tokenize("50 km² café") == ["50", "km²", "café"]


def test_for_language_reuses_one_tokenizer_per_language(tok: Tokenizer) -> None:
    assert tok.for_language("de") is tok.for_language("de")
    assert tok.for_language("de").for_language(None) is tok
    assert tok.for_language("de").stem == tok.stem


def test_unknown_language_keeps_words_whole(tok: Tokenizer) -> None:
    swahili = tok.for_language("sw")
    assert swahili.tokenize("Watoto wanasoma vitabu") == ["watoto", "wanasoma", "vitabu"]
    assert swahili.tokenize("Москва") == ["москв"]  # Cyrillic still goes to Russian
