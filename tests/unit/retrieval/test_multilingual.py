"""Sources in several languages: each indexed in its own language, questions answered from
the sources of theirs, languages kept in the saved index."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from retrieval.answer.library import Library
from retrieval.errors import IndexLoadError
from retrieval.index.storage import current_version, load_index
from retrieval.index.update import update_index
from retrieval.settings import RetrievalSettings
from tests.conftest import TinyCorpus

ENGLISH = (
    "Talks in Sochi\n\n"
    "The meeting in Sochi lasted four hours. The ministers discussed the sanctions and the "
    "war in Ukraine, and they agreed to meet again in the summer.\n\n"
    "Journalists waited outside the residence for most of the day.\n"
)
RUSSIAN = (
    "Переговоры в Сочи\n\n"
    "Встреча в Сочи продолжалась четыре часа. Министры обсуждали санкции и войну на Украине "
    "и договорились встретиться снова летом.\n\n"
    "Журналисты весь день ждали у резиденции.\n"
)
GERMAN = (
    "Gespräche in Sotschi\n\n"
    "Das Treffen in Sotschi dauerte vier Stunden. Die Minister sprachen über die Sanktionen "
    "und den Krieg in der Ukraine und vereinbarten, sich im Sommer wieder zu treffen.\n\n"
    "Journalisten warteten den ganzen Tag vor der Residenz.\n"
)


@pytest.fixture
def mixed(tiny_corpus: TinyCorpus) -> RetrievalSettings:
    return tiny_corpus({"en.txt": ENGLISH, "ru.txt": RUSSIAN, "de.txt": GERMAN})


def test_each_source_is_indexed_in_its_language(mixed: RetrievalSettings) -> None:
    library = Library.load(mixed)
    index = library.index
    assert index.languages == ("de", "en", "ru")
    assert [index.source_language(f) for f in ("de.txt", "en.txt", "ru.txt")] == ["de", "en", "ru"]


def test_russian_question_answered_from_russian_source_with_russian_stems(
    mixed: RetrievalSettings,
) -> None:
    library = Library.load(mixed)
    answer = library.answer("Сколько часов продолжались переговоры?")
    assert answer.found
    assert answer.hits[0].passage.source == "ru.txt"
    assert "продолжа" in answer.terms  # Russian stem of "продолжались"
    assert all(h.passage.source == "ru.txt" for h in answer.hits)


def test_german_question_uses_german_stemming_and_stopwords(mixed: RetrievalSettings) -> None:
    library = Library.load(mixed)
    tokenizer = library.index.question_tokenizer("Worüber sprachen die Minister?")
    assert tokenizer.language == "de"
    answer = library.answer("Worüber sprachen die Minister?")
    assert "die" not in answer.terms  # a German stopword (in English it would be a verb)
    assert answer.hits[0].passage.source == "de.txt"


def test_english_question_answered_from_english_source(mixed: RetrievalSettings) -> None:
    library = Library.load(mixed)
    answer = library.answer("How long did the meeting in Sochi last?")
    assert answer.hits[0].passage.source == "en.txt"


def test_configured_language_overrides_detection(mixed: RetrievalSettings) -> None:
    settings = dataclasses.replace(
        mixed, tokenizer=dataclasses.replace(mixed.tokenizer, language="en")
    )
    index = Library.load(settings).index
    assert index.languages == ("en",)
    assert index.question_tokenizer("Wer war der erste Kaiser?").language == "en"


def test_languages_survive_save_and_load(mixed: RetrievalSettings, tmp_path: Path) -> None:
    folder = tmp_path / "idx"
    built = update_index(mixed, folder).index
    loaded = load_index(folder, mixed)
    assert loaded.languages == built.languages == ("de", "en", "ru")
    question = "Сколько часов продолжались переговоры?"
    assert Library(loaded, mixed).answer(question) == Library(built, mixed).answer(question)


def test_index_of_the_previous_format_is_refused(mixed: RetrievalSettings, tmp_path: Path) -> None:
    # Format 3 held no languages (its terms were made without them), formats 4 and 5 their
    # sources as one JSON object each: any of them must be rebuilt.
    folder = tmp_path / "idx"
    update_index(mixed, folder)
    version = current_version(folder)
    assert version is not None
    manifest = json.loads((version / "manifest.json").read_text(encoding="utf-8"))
    manifest["format"] = 5
    manifest["sources"] = [{"file": "a.txt", "title": "A"}]
    (version / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(IndexLoadError, match="sourcebot index"):
        load_index(folder, mixed)
