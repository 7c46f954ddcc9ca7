"""The not-found rule and what feeds it: term weights, support, answer types, languages."""

from __future__ import annotations

import pytest

from retrieval.answer.answer_type import asked_for
from retrieval.answer.coverage import QuestionTerm, RarityScale, proximity_needed, support
from retrieval.answer.library import Library
from retrieval.text.frequency import zipf
from retrieval.text.langdetect import question_language
from retrieval.text.stopwords import ENGLISH
from retrieval.text.tokenize import surface_form

# --- support ----------------------------------------------------------------------------

TERMS = (QuestionTerm("storm", 3.0, True), QuestionTerm("fleet", 2.0, True))


def test_support_is_the_weighted_share_matched() -> None:
    assert support(TERMS, {"storm", "fleet"}, (), (), 1, 0.0) == 1.0
    assert support(TERMS, {"storm"}, (), (), 1, 0.0) == pytest.approx(0.6)
    assert support(TERMS, set(), (), (), 1, 0.0) == 0.0


def test_terms_together_count_more_than_scattered() -> None:
    together = support(TERMS, {"storm", "fleet"}, [{"storm", "fleet"}, set(), set()], (), 1, 0.5)
    scattered = support(TERMS, {"storm", "fleet"}, [{"storm"}, set(), {"fleet"}], (), 1, 0.5)
    assert together == 1.0
    assert scattered == pytest.approx(0.5 + 0.5 * 0.6)


def test_title_terms_count_half_in_a_window() -> None:
    # "fleet" only in the title: full in the passage's coverage, half in its window.
    value = support(TERMS, {"storm", "fleet"}, [{"storm"}], {"fleet"}, 1, 0.5)
    assert value == pytest.approx(0.5 + 0.5 * (3.0 + 1.0) / 5.0)


def test_answer_type_words_only_count_where_present() -> None:
    terms = (QuestionTerm("year", 2.0, False), QuestionTerm("tesla", 4.0, True))
    assert support(terms, {"tesla"}, (), (), 1, 0.0) == 1.0
    assert support(terms, {"year"}, (), (), 1, 0.0) == pytest.approx(2.0 / 6.0)


def test_a_missing_name_counts_double_a_present_one_once() -> None:
    terms = (QuestionTerm("popul", 2.5, True), QuestionTerm("sochi", 0.7, True, 1.4))
    assert support(terms, {"sochi"}, (), (), 1, 0.0) == pytest.approx(0.7 / 3.2)
    assert support(terms, {"popul"}, (), (), 1, 0.0) == pytest.approx(2.5 / 3.9)


def test_proximity_needed_bounds_the_window() -> None:
    # Coverage far above the threshold qualifies whatever the window; below it never does.
    assert proximity_needed(0.95, 0.42, 0.5) <= 0
    assert proximity_needed(0.40, 0.42, 0.5) > 0.40
    assert 0 < proximity_needed(0.6, 0.42, 0.5) <= 0.6


def test_rarity_scale_is_non_increasing() -> None:
    scale = RarityScale([(1.2, 5.0), (3.1, 3.0), (3.3, 4.0), (5.0, 1.0), (6.2, 2.0)], 6.0)
    weights = [scale.weight(z / 2) for z in range(18)]
    assert weights == sorted(weights, reverse=True)
    assert scale.weight(0.0) == 6.0  # no word that rare: the rarest weight
    assert scale.weight(5.0) == 1.0
    assert scale.weight(None) == 6.0  # no word list for the language


# --- what a question asks for -------------------------------------------------------------


def ask(question: str, lang: str = "en") -> tuple[str | None, set[str], set[str]]:
    from retrieval.text.tokenize import Tokenizer

    raws = Tokenizer().raw_tokens(question)
    result = asked_for([(r, surface_form(r)) for r in raws], lang, lambda w: w in ENGLISH)
    return result.kind, set(result.type_words), set(result.interrogatives)


@pytest.mark.parametrize(
    ("question", "kind", "type_words"),
    [
        ("What year did Tesla die?", "date", {"year"}),
        ("In which country is Sochi?", "place", {"country"}),
        ("How many people live in Warsaw?", "number", {"many", "people"}),
        ("Who initiated the meeting?", "name", set()),
        ("When did the visit happen?", "date", set()),
        ("What is the name of the gallery?", "name", {"name"}),
        ("What is the population of Sochi?", None, set()),  # population is what is asked
        ("Which French king issued it?", None, set()),  # a name is never a type word
        ("Why would concessions be harmful?", None, set()),
    ],
)
def test_asked_for_english(question: str, kind: str | None, type_words: set[str]) -> None:
    got_kind, got_types, interrogatives = ask(question)
    assert (got_kind, got_types) == (kind, type_words)
    assert interrogatives


def test_asked_for_other_languages() -> None:
    assert ask("Wie viele Einwohner hat Warschau?", "de")[0] == "number"
    assert ask("¿Cuándo murió Tesla?", "es")[0] == "date"
    assert ask("Сколько лет длилась война?", "ru")[0] == "number"
    # "Was" is German for "what", English for "was": the language decides.
    assert ask("Was Crimea discussed?", "en")[2] == set()
    assert ask("Unknown language question", "xx") == (None, set(), set())


# --- the question's language --------------------------------------------------------------


def test_the_sources_languages_decide_a_short_question() -> None:
    for question in ["Kerry Sochi 2015", "Was Cremea discussed?", "the Minsk protocl"]:
        assert question_language(question, ("en",)) == "en"
        assert question_language(question, ("de", "en")) == "en"
    # Among sources in both, a question plainly in one of them is recognised.
    assert question_language("Wie viele Einwohner hat die Stadt Warschau?", ("de", "en")) == "de"
    assert question_language("Сколько лет длилась эта война?", ("en", "ru")) == "ru"


def test_zipf_numbers_and_words() -> None:
    assert (zipf("3", "en") or 0) > 5  # a stray small number is common
    assert (zipf("1754", "en") or 0) < 3
    assert (zipf("bread", "en") or 0) > 4
    assert zipf("lavorv", "en") == 0.0
    assert zipf("bread", "xx") is None


# --- on the seeds ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "What is the population of Sochi?",
        "How much does a flight to Sochi cost?",
        "What is Lavrov's favourite football team?",
        "Who kicked the winning goal in the final?",
    ],
)
def test_sources_words_do_not_answer_what_they_do_not_say(library: Library, question: str) -> None:
    assert library.answer(question).found is False


def test_a_common_unseen_word_does_not_sink_an_answer(library: Library) -> None:
    # "harmful" is never used: ¶3 says "detrimental". It must not outweigh "concessions".
    answer = library.answer("Why would concessions be harmful to both sides?")
    assert answer.found
    assert (answer.hits[0].passage.source, answer.hits[0].passage.paragraph) == (
        "004_d7ba4bda41c5698a.txt",
        3,
    )


def test_stray_symbols_and_numbers_are_ignored(library: Library) -> None:
    plain = library.answer("Kerry & Lavrov 'Sochi'")
    noisy = library.answer("Kerry & Lavrov <3 'Sochi'")
    assert plain.found and noisy.found
    assert [h.passage for h in noisy.hits] == [h.passage for h in plain.hits]


def test_not_found_in_another_language_says_the_sources_languages(library: Library) -> None:
    russian = library.answer("Что сказал Путин о погоде на Марсе?")
    assert not russian.found and russian.language_mismatch
    assert russian.source_languages == ("en",)
    english = library.answer("What is the weather on Mars today?")
    assert not english.found and not english.language_mismatch
    assert not library.answer("What did Kerry and Putin discuss in Sochi?").language_mismatch
