"""A question word the sources use in another form: Arabic proclitics and stem variants."""

from __future__ import annotations

import dataclasses

import pytest

from retrieval.answer.coverage import QuestionTerm, support
from retrieval.answer.library import Library
from retrieval.answer.variants import (
    CREDIT,
    matched_variants,
    variant_key,
    without_proclitic,
)
from retrieval.settings import RetrievalSettings
from retrieval.text.tokenize import Tokenizer
from tests.conftest import TinyCorpus

ARABIC = Tokenizer(language="ar")


def test_a_proclitic_comes_off_only_when_the_sources_use_what_is_left() -> None:
    known = {ARABIC.term("أبولو")}
    assert without_proclitic("لأبولو", "ar", ARABIC.term, known.__contains__) == ARABIC.term(
        "أبولو"
    )
    # Nothing of the sources' is left: the word stays as asked.
    assert without_proclitic("لأبولو", "ar", ARABIC.term, set().__contains__) == ""
    # A clitic is never all but two letters of a word ("ولد" is a word, not و + لد).
    assert without_proclitic("ولد", "ar", ARABIC.term, lambda term: True) == ""
    assert without_proclitic("lapollo", "en", str, lambda term: True) == ""


def test_the_longest_proclitic_goes_first() -> None:
    known = {ARABIC.term("مقاتل")}
    assert without_proclitic("والمقاتل", "ar", ARABIC.term, known.__contains__) == ARABIC.term(
        "مقاتل"
    )


def test_variant_key_is_a_prefix_of_long_word_terms() -> None:
    assert variant_key("borsasın", "tr") == "borsa"
    assert variant_key("komi", "tr") == ""  # a short stem's prefix is the whole of many words
    assert variant_key("12345", "en") == ""
    assert variant_key("剧院运营", "zh") == ""  # bigrams, not words


def test_matched_variants_finds_the_passage_form() -> None:
    keys = [("borsa", "borsa"), ("durdur", "durdu"), ("tesla", "tesla")]
    # "tesla" is there as itself (no variant), "borsas" is a variant of "borsa".
    assert matched_variants(keys, {"borsas", "tesla", "varşov"}) == {"borsa"}
    assert matched_variants(keys, {"ikinc"}) == set()


def test_a_variant_counts_part_of_its_weight() -> None:
    terms = (QuestionTerm("borsa", 4.0, True, -1.0, "borsa"), QuestionTerm("varşov", 2.0, True))
    exact = support(terms, {"borsa", "varşov"}, (), (), 1, 0.0)
    variant = support(terms, {"borsa", "varşov"}, (), (), 1, 0.0, {"borsa"})
    missing = support(terms, {"varşov"}, (), (), 1, 0.0)
    assert exact == 1.0
    assert variant == pytest.approx((2.0 + CREDIT * 4.0) / 6.0)
    assert missing < variant < exact


def test_a_missing_name_that_is_a_variant_weighs_its_missing_part_as_a_name() -> None:
    name = (QuestionTerm("tesla", 2.0, True, 4.0, "tesla"), QuestionTerm("coil", 2.0, True))
    value = support(name, {"tesla", "coil"}, (), (), 1, 0.0, {"tesla"})
    assert value == pytest.approx((2.0 + CREDIT * 2.0) / (2.0 + CREDIT * 2.0 + CREDIT * 4.0))


def test_a_variant_counts_in_the_window_where_its_form_stands() -> None:
    terms = (QuestionTerm("borsa", 4.0, True, -1.0, "borsa"), QuestionTerm("varşov", 4.0, True))
    together = support(
        terms, {"borsa", "varşov"}, [{"borsa", "varşov"}, set()], (), 1, 0.5, {"borsa"}
    )
    apart = support(terms, {"borsa", "varşov"}, [{"borsa"}, {"varşov"}], (), 1, 0.5, {"borsa"})
    assert together > apart


TURKISH = (
    "Varşova Borsası\n\n"
    "Varşova Menkul Kıymetler Borsası 1817 yılında kuruldu. İkinci Dünya Savaşı "
    "faaliyetlerini durdurdu ve 1991 yılında yeniden açıldı.\n\n"
    "Şehir, Vistül nehrinin iki yakasında uzanır ve ülkenin en kalabalık şehridir.\n"
)


@pytest.fixture
def turkish(tiny_corpus: TinyCorpus) -> RetrievalSettings:
    return tiny_corpus({"tr.txt": TURKISH})


def test_a_turkish_question_in_another_form_of_the_passage_words_is_supported(
    turkish: RetrievalSettings,
) -> None:
    # "borsasının" stems to "borsa", the passage's "Borsası" to "borsas": the sources never
    # use the question's term, so without its variant the passage lacks it.
    library = Library.load(turkish)
    answerer = library.answerer
    query = answerer.parse("Varşova borsasının faaliyetlerini ne durdurmuştur?")
    borsa = next(t for t in query.weighted if t.term == "borsa")
    assert borsa.variant == "borsa"
    passage = library.index.passages[0]
    plain = dataclasses.replace(
        query, weighted=tuple(dataclasses.replace(t, variant="") for t in query.weighted)
    )
    assert answerer.support(passage, query) > answerer.support(passage, plain)
    answer = library.answer("Varşova borsasının faaliyetlerini ne durdurmuştur?")
    assert answer.found
    assert "Savaşı" in answer.hits[0].quote.text
