"""Tests for answers: spelling, not-found, de-duplication, quotes, paging, hostile input."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import replace

import pytest

from retrieval.answer.answers import Answerer
from retrieval.answer.library import Library
from retrieval.answer.quotes import _bridge, _grow_tied, best_quote
from retrieval.answer.spelling import SpellingCorrector, max_distance
from retrieval.model import Answer, Hit
from retrieval.settings import RetrievalSettings
from retrieval.text.sentences import split_sentences
from retrieval.text.tokenize import Tokenizer

TinyCorpus = Callable[..., RetrievalSettings]  # the `tiny_corpus` fixture

SEED_000 = "000_db2147d2a0a50ea2.txt"
SEED_004 = "004_d7ba4bda41c5698a.txt"


def cited(answer: Answer) -> list[tuple[str, int]]:
    return [(h.passage.source, h.passage.paragraph) for h in answer.hits]


# --- Spelling ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "typo", "fix", "where"),
    [
        ("What did Lavorv say about international problems?", "lavorv", "lavrov", 14),
        ("Did Puttin meet Kerry?", "puttin", "putin", 2),
        ("Will the sanctons be lifted?", "sanctons", "sanctions", 12),
    ],
)
def test_misspellings_corrected(
    library: Library, question: str, typo: str, fix: str, where: int
) -> None:
    answer = library.answer(question)
    assert answer.corrected_terms == {typo: fix}
    assert answer.found
    assert cited(answer)[0] == (SEED_000, where)
    assert fix.casefold() in answer.hits[0].quote.text.casefold()


@pytest.mark.parametrize("typo", ["Lavorv", "Puttin", "sanctons"])
def test_misspelled_word_alone_finds_passages(library: Library, typo: str) -> None:
    answer = library.answer(typo)
    assert answer.found
    assert len(answer.corrected_terms) == 1
    fix = answer.corrected_terms[typo.casefold()]
    assert all(fix[:5] in h.paragraph_text.casefold() for h in answer.hits)


def test_known_words_not_corrected(library: Library) -> None:
    answer = library.answer("How do I bake bread?")
    assert answer.corrected_terms == {}


def test_spelling_can_be_turned_off(library: Library) -> None:
    off = Answerer(library.index, replace(library.settings.answers, spelling=False))
    answer = off.answer("Lavorv")
    assert answer.corrected_terms == {}
    assert not answer.found


@pytest.mark.parametrize(
    ("word", "fix"),
    [
        ("lavorv", "lavrov"),  # transposition
        ("ptuin", "putin"),  # transposition in a short word
        ("kery", "kerry"),  # a dropped letter
        ("novorrossia", "novorossiya"),  # two edits in a long word
        ("lvarvo", "lavrov"),  # two transpositions
        ("pitun", None),  # two edits in a short word: too far
        ("ker", None),  # too short to guess
        ("bread", None),  # a common word is never "corrected"
        ("lavrov1", None),  # not a word
    ],
)
def test_spelling_corrector(word: str, fix: str | None) -> None:
    vocabulary = Counter({"novorossiya": 1, "putin": 3, "lavrov": 2, "kerry": 5, "bead": 1})
    assert SpellingCorrector(vocabulary, 3.0).correct(word) == fix


def test_spelling_distance_grows_with_length() -> None:
    assert [max_distance("x" * n) for n in range(1, 9)] == [0, 0, 0, 1, 1, 2, 2, 2]


# --- Not found --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    ["How do I bake bread?", "What is the capital of Australia?", "Как испечь хлеб?"],
)
def test_unrelated_question_not_found(library: Library, question: str) -> None:
    answer = library.answer(question)
    assert answer.found is False
    assert answer.hits == ()
    assert answer.more is False
    assert answer.terms  # it had words; the sources just do not answer them


@pytest.mark.parametrize("question", ["What is it?", "the of and to", "Is it?"])
def test_stopword_only_question(library: Library, question: str) -> None:
    answer = library.answer(question)
    assert answer.found is False
    assert answer.terms == ()
    assert answer.hits == ()


# --- Duplicates across sources ----------------------------------------------------------

SHARED = (
    "Foreign Minister Lavrov said the key to understanding the situation is that the US "
    "and Russia play a key role globally."
)
SIMILAR = (
    "Foreign Minister Lavrov said the key to understanding the situation is that the US "
    "and Russia play a key role in Europe."
)
FILLER = "Bread needs flour and water.\n\nPizza needs cheese.\n\nRain falls in the autumn.\n"


def test_identical_paragraph_in_two_sources_shown_once(tiny_corpus: TinyCorpus) -> None:
    settings = tiny_corpus(
        {"a.txt": f"{SHARED}\n\n{FILLER}", "b.txt": f"{FILLER}\n\n{SHARED}\n", "c.txt": FILLER}
    )
    library = Library.load(settings)
    answer = library.answer("Lavrov key role")
    assert answer.found
    assert [h.paragraph_text for h in answer.hits] == [SHARED]
    assert answer.more is False


def test_similar_paragraphs_both_kept(tiny_corpus: TinyCorpus) -> None:
    settings = tiny_corpus(
        {"a.txt": f"{SHARED}\n\n{FILLER}", "b.txt": f"{FILLER}\n\n{SIMILAR}\n", "c.txt": FILLER}
    )
    library = Library.load(settings)
    answer = library.answer("Lavrov key role")
    assert sorted(h.paragraph_text for h in answer.hits) == sorted([SHARED, SIMILAR])
    assert {h.passage.source for h in answer.hits} == {"a.txt", "b.txt"}


def test_long_paragraph_cited_once(tiny_corpus: TinyCorpus) -> None:
    # Split into several passages, a paragraph still answers once, with its whole text.
    sentences = [
        f"Lavrov spoke about topic number {i} in Sochi for a long while." for i in range(12)
    ]
    paragraph = " ".join(sentences)
    settings = tiny_corpus({"a.txt": f"{paragraph}\n\n{FILLER}"}, max_passage_chars=150)
    library = Library.load(settings)
    assert library.source_rows()[0].passages > 4
    answer = library.answer("Lavrov Sochi", top_k=5)
    assert cited(answer) == [("a.txt", 1)]
    assert answer.hits[0].paragraph_text == paragraph


# --- Quotes -----------------------------------------------------------------------------

QUOTE_QUESTIONS = [
    "Why did Kerry lay a wreath at the memorial?",
    "What did Lavrov say about international problems?",
    "Did Realpolitik play a part?",
    "Why is the health of the Russian economy a concern?",
    "What is escalation dominance?",
    "Could rebels open a land corridor from Donetsk to Crimea?",
    "Kerry visit to Sochi",
    "итоги сочинской встречи",
]


def assert_good_quote(hit: Hit, terms: tuple[str, ...], library: Library) -> None:
    quote = hit.quote
    paragraph = hit.paragraph_text
    assert quote.text in paragraph  # verbatim
    whole = split_sentences(paragraph)
    picked = split_sentences(quote.text)
    assert 1 <= len(picked) <= library.settings.answers.max_quote_sentences
    # Contiguous sentences of the paragraph, whole sentences only.
    start = whole.index(picked[0])
    assert whole[start : start + len(picked)] == picked
    # Marks point at the matched words, and every matched word is marked.
    tokenizer = library.index.tokenizer
    assert quote.marks, "a quote marks the words that matched"
    for a, b in quote.marks:
        assert 0 <= a < b <= len(quote.text)
        assert tokenizer.term(quote.text[a:b]) in terms
    expected = [(s.start, s.end) for s in tokenizer.spans(quote.text) if s.term in terms]
    assert list(quote.marks) == expected


@pytest.mark.parametrize("question", QUOTE_QUESTIONS)
def test_quotes_are_verbatim_contiguous_sentences(library: Library, question: str) -> None:
    answer = library.answer(question)
    assert answer.found
    for hit in answer.hits:
        assert_good_quote(hit, answer.terms, library)
        assert library.index.paragraph_text(hit.passage.source, hit.passage.paragraph) == (
            hit.paragraph_text
        )


def test_quote_is_the_best_sentence(library: Library) -> None:
    answer = library.answer("Why did Kerry lay a wreath at the memorial?")
    assert cited(answer)[0] == (SEED_000, 16)
    # The sentence that restates the question, and the next one, which says why.
    assert answer.hits[0].quote.text == (
        "John Kerry laying a wreath at the memorial to the fallen in the Great Patriotic War "
        "was a moment that played a positive symbolic role during the visit. It demonstrated "
        "that America recognizes our contribution to the victory in WWII as an ally."
    )
    marked = [answer.hits[0].quote.text[a:b] for a, b in answer.hits[0].quote.marks]
    assert marked == ["Kerry", "laying", "wreath", "memorial"]


def test_hits_carry_citation(library: Library) -> None:
    answer = library.answer("What is escalation dominance?")
    hit = answer.hits[0]
    assert hit.meta.title.startswith("Kerry’s Visit To Sochi")
    assert hit.meta.author == "Rajorshi Roy"
    assert hit.passage.source == SEED_004
    assert [h.rank for h in answer.hits] == list(range(1, len(answer.hits) + 1))
    scores = [h.score for h in answer.hits]
    assert scores == sorted(scores, reverse=True)


# --- Paging -----------------------------------------------------------------------------


@pytest.mark.parametrize("question", ["Kerry visit to Sochi", "Ukrainian crisis", "sanctions"])
def test_offset_returns_next_rank(library: Library, question: str) -> None:
    first_three = library.answer(question, top_k=3)
    assert len(first_three.hits) == 3
    second = library.answer(question, top_k=1, offset=1)
    assert [h.rank for h in second.hits] == [2]
    assert cited(second) == cited(first_three)[1:2]
    assert second.hits[0].quote == first_three.hits[1].quote
    assert second.more is True


def test_more_is_false_on_the_last_page(library: Library) -> None:
    answer = library.answer("Will the sanctions be lifted?", top_k=10)
    assert answer.more is False
    beyond = library.answer("Will the sanctions be lifted?", top_k=1, offset=len(answer.hits))
    assert beyond.hits == ()
    assert beyond.found is True  # found, just not on this page
    assert beyond.more is False


def test_top_k_default_from_settings(library: Library) -> None:
    answer = library.answer("Ukrainian crisis")
    assert len(answer.hits) == library.settings.answers.top_k
    assert answer.more is True


# --- Hostile input ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "x" * 100_000,
        "Kerry " * 20_000,
        "?!.,;:-–—…«»“”'\"()[]{}" * 100,
        "",
        "   \n\t ",
        "\u200b\u200d\x00\x07",
        "🙂🔥🇷🇺",
    ],
    ids=["long-word", "long-repeat", "punctuation", "empty", "blank", "invisible", "emoji"],
)
def test_hostile_questions_do_not_raise(library: Library, question: str) -> None:
    answer = library.answer(question)
    assert answer.question == question
    assert len(answer.terms) <= 32
    assert len(answer.hits) <= library.settings.answers.top_k
    if not answer.terms:
        assert answer.found is False


def test_punctuation_only_has_no_terms(library: Library) -> None:
    answer = library.answer("?!.,;:-–—…" * 1000)
    assert answer.terms == ()
    assert answer.found is False


def test_long_question_keeps_telling_words(library: Library) -> None:
    # A 100,000-character message (one paragraph pasted over and over, with the rest of the
    # sources once): its 32 most telling words are kept, and they find that paragraph.
    everything = " ".join(p.text for s in library.sources for p in s.paragraphs)
    paragraph = library.sources[1].paragraphs[10]
    answer = library.answer(
        ((paragraph.text + " ") * 200)[: 100_000 - len(everything)] + everything
    )
    assert len(answer.terms) == 32
    assert answer.found
    assert (answer.hits[0].passage.source, answer.hits[0].passage.paragraph) == (
        library.sources[1].file,
        paragraph.number,
    )


# --- Spelling in the question's language -------------------------------------------------


@pytest.mark.parametrize(
    ("word", "lang", "vocabulary"),
    [
        ("verblieb", "de", {"verlief": 3}),  # a German word the sources do not use
        ("anotó", "es", {"azotó": 2}),
        ("ehemaligem", "de", {"ehemaliger": 4}),  # an inflection: a real word all the same
        ("pertain", "en", {"persian": 5}),
        ("χρηματοδότησαν", "el", {"χρηματοδότηση": 2}),  # a small word list: only names
    ],
)
def test_real_words_of_the_question_language_are_never_corrected(
    word: str, lang: str, vocabulary: dict[str, int]
) -> None:
    assert SpellingCorrector(Counter(vocabulary), 3.0, 1.5).correct(word, lang) is None


def test_misspelled_names_are_corrected() -> None:
    corrector = SpellingCorrector(Counter({"putin": 3, "pulling": 9, "kerry": 2}), 3.0, 1.5)
    # "puttin" is in English word lists (slang), but a capitalised word is a name here.
    assert corrector.correct("puttin", "en", name=True) == "putin"
    assert corrector.correct("puttin", "en", name=False) is None
    assert corrector.correct("kery", "en", name=True) == "kerry"


def test_the_closest_spelling_beats_the_more_frequent_word() -> None:
    corrector = SpellingCorrector(Counter({"grand": 50, "gandhi": 2}), 3.0, 1.5)
    assert corrector.correct("ghandi", "en", name=True) == "gandhi"


# --- Quotes that hold the answer ----------------------------------------------------------

NORMANS = (
    "Normans in the Crusades\n\n"
    "In April 1191 Richard the Lion-hearted left Messina with a large fleet in order to "
    "reach Acre. But a storm dispersed the fleet. After some searching, it was discovered "
    "that the boat carrying his sister and his fiancée Berengaria was anchored on the south "
    "coast of Cyprus, together with the wrecks of several other ships, including the "
    "treasure ship. Survivors of the wrecks had been taken prisoner by the island's despot "
    "Isaac Komnenos.\n\n"
    "On 1 May 1191, Richard's fleet arrived in the port of Limassol on Cyprus. He ordered "
    "Isaac to release the prisoners and the treasure. Isaac refused, so Richard landed his "
    "troops and took Limassol.\n"
)


def test_quote_reaches_the_sentence_after_the_restatement(tiny_corpus: TinyCorpus) -> None:
    library = Library.load(tiny_corpus({"normans.txt": NORMANS}))
    answer = library.answer("What ruined Richard's plans to reach Acre?")
    assert answer.found
    assert "a storm dispersed the fleet" in answer.hits[0].quote.text


def test_quote_names_the_areas_not_only_restates_them(library: Library) -> None:
    answer = library.answer("What areas of mutual interest do Russia and the U.S. share?")
    assert cited(answer)[0] == (SEED_004, 10)
    assert "Islamic State" in answer.hits[0].quote.text


def test_when_question_quotes_the_date(library: Library) -> None:
    answer = library.answer("When did the visit happen?")
    assert cited(answer)[0] in {(SEED_000, 1), (SEED_004, 1)}
    assert "May 12, 2015" in answer.hits[0].quote.text


def test_section_title_helps_find_the_topic(library: Library) -> None:
    answer = library.answer("What role does China play?")
    assert cited(answer)[0] == (SEED_004, 9)  # the section "China Factor?"


def test_bibliography_footnote_does_not_outrank_the_text(library: Library) -> None:
    answer = library.answer("Kerry Sochi 2015")
    assert cited(answer)[0] in {(SEED_000, 1), (SEED_004, 1)}
    assert cited(answer).index((SEED_004, 13)) > 1 if (SEED_004, 13) in cited(answer) else True


@pytest.mark.parametrize("max_sentences", [1, 2, 3])
def test_quotes_never_exceed_max_sentences(library: Library, max_sentences: int) -> None:
    answerer = Answerer(
        library.index, replace(library.settings.answers, max_quote_sentences=max_sentences)
    )
    for question in [
        "What areas of mutual interest do Russia and the U.S. share?",
        "When did the visit happen?",
        "Why is the health of the Russian economy a concern?",
    ]:
        for hit in answerer.answer(question).hits:
            assert 1 <= len(split_sentences(hit.quote.text)) <= max_sentences
            assert hit.quote.text in hit.paragraph_text


LIBRARY = (
    "Harbor Street\n\n"
    "The Harbor Street library was founded in 1820 and burned down in 1911. It opened "
    "again in May 1925, after a public appeal. Its reading room seats forty people.\n\n"
    "The market hall next to it sells fish and bread every morning.\n"
)


def test_quote_holding_a_date_still_reaches_the_sentence_after(tiny_corpus: TinyCorpus) -> None:
    # The sentence that restates the question holds dates, but not the one asked for.
    library = Library.load(tiny_corpus({"harbor.txt": LIBRARY}))
    answer = library.answer("When was the Harbor Street library rebuilt?")
    assert answer.found
    assert answer.hits[0].quote.text == (
        "The Harbor Street library was founded in 1820 and burned down in 1911. It opened "
        "again in May 1925, after a public appeal."
    )


CHAMBERS = (
    "Hyperbaric medicine uses special oxygen chambers to raise the pressure around a "
    "patient. Carbon monoxide poisoning and decompression sickness are treated using these "
    "devices. Divers with the bends may spend hours inside.\n"
)


def test_quote_takes_the_sentence_a_tied_one_refers_to(tiny_corpus: TinyCorpus) -> None:
    # "these devices" matches the question; the sentence before names them and adds no
    # score, so only the tie-break can take it.
    library = Library.load(tiny_corpus({"chambers.txt": CHAMBERS}))
    answer = library.answer("What device is used to treat carbon monoxide poisoning?")
    assert answer.found
    assert "oxygen chambers" in answer.hits[0].quote.text


def test_a_tied_neighbour_is_taken_only_when_it_uses_the_question_words() -> None:
    spans = ((0, 10), (11, 20), (21, 30))
    weights = {"a": 1.0, "b": 1.0}
    kinds = [False, False, False]
    # The sentence before has none of the question's words: the one after (which does) is.
    found: list[set[str]] = [set(), {"a", "b"}, {"a"}]
    assert _grow_tied((1, 2), 1.0, spans, found, kinds, weights, 2.0) == (1, 3)
    # Neither neighbour uses them: the sentence stays alone.
    found = [set(), {"a", "b"}, set()]
    assert _grow_tied((1, 2), 1.0, spans, found, kinds, weights, 2.0) == (1, 2)
    # A neighbour that would raise the score is no tie (the window search would have it).
    found = [{"a"}, {"a"}, set()]
    assert _grow_tied((1, 2), 0.5, spans, [{"b"}, {"a"}, set()], kinds, weights, 2.0) == (1, 2)
    assert _grow_tied((1, 2), 0.5, spans, found, kinds, weights, 2.0) == (0, 2)
    # Windows of two sentences or more are left as they are.
    assert _grow_tied((0, 2), 0.5, spans, found, kinds, weights, 2.0) == (0, 2)


FLOOD = (
    "Floods\n\n"
    "The Glass River flooded the old town in 1921. The water stood for a week. The river "
    "had been blocked by logs from the sawmills upstream.\n\n"
    "The market hall next to the bridge sells fish and bread every morning.\n"
)


def test_quote_goes_on_past_a_sentence_without_the_question_words(
    tiny_corpus: TinyCorpus,
) -> None:
    # The matching sentence restates the question; the next one ("The water stood for a
    # week.") uses none of its words; the one after it returns to them and says why.
    library = Library.load(tiny_corpus({"flood.txt": FLOOD}))
    answer = library.answer("Why did the Glass River flood?")
    assert answer.found
    assert answer.hits[0].quote.text.startswith("The Glass River flooded")
    assert "blocked by logs" in answer.hits[0].quote.text


def test_a_bridge_is_crossed_only_to_a_sentence_that_uses_the_question_words() -> None:
    spans = ((0, 10), (11, 20), (21, 30), (31, 40))
    # The last sentence taken uses none of the question's words, the next one does.
    assert _bridge(0, 2, spans, [{"a"}, set(), {"a"}, set()], 3) == (0, 3)
    # The next one does not either: the window stays.
    assert _bridge(0, 2, spans, [{"a"}, set(), set(), {"a"}], 3) == (0, 2)
    # The last sentence taken uses them: no bridge.
    assert _bridge(0, 2, spans, [{"a"}, {"a"}, {"a"}, set()], 3) == (0, 2)
    # Never beyond max_sentences.
    assert _bridge(0, 2, spans, [{"a"}, set(), {"a"}, set()], 2) == (0, 2)


def test_title_words_count_less_in_choosing_the_quote() -> None:
    # "Testland" names the whole source: the sentence that answers has the other words.
    paragraph = (
        "The basic unit of territorial division in Testland is the commune. A city is a "
        "commune too. Cities have mayors. The counties make up the second level of "
        "territorial division."
    )
    weights = {"second": 1.0, "level": 1.0, "territori": 2.0, "divis": 2.0, "testland": 3.0}
    tokenizer = Tokenizer(True, True, "en")
    answer = "The counties make up the second level of territorial division."
    assert best_quote(paragraph, weights, tokenizer, topic={"testland"}).text == answer
    untitled = best_quote(paragraph, weights, tokenizer).text
    assert untitled.startswith("The basic unit")
    assert answer not in untitled
    # The title's words are still marked in the quote.
    quote = best_quote("Testland is small.", {"testland": 1.0}, tokenizer, topic={"testland"})
    assert quote.marks == ((0, 8),)
