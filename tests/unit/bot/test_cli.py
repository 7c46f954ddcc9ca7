"""Tests for the `sourcebot` command line, run in-process (and once as the installed script)."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from tests.support.paths import MSMARCO_5K

SEED_000 = "000_db2147d2a0a50ea2.txt"
SEED_004 = "004_d7ba4bda41c5698a.txt"
ANSWER_KEYS = {
    "question",
    "found",
    "corrected_terms",
    "passages",
    "question_language",
    "source_languages",
    "language_mismatch",
}
PASSAGE_KEYS = {
    "rank",
    "source",
    "title",
    "author",
    "paragraph",
    "section",
    "score",
    "quote",
    "text",
    # added by issue 13; the keys above are the original contract and stay
    "publisher",
    "date",
    "url",
    "source_number",
    "page",
    "link",
}
SOURCE_KEYS = {
    "number",
    "file",
    "title",
    "author",
    "publisher",
    "date",
    "url",
    "paragraphs",
    "passages",
}
EVAL_KEYS = {
    "ndcg@10",
    "recall@10",
    "recall@100",
    "mrr@10",
    "queries",
    "top1",
    "top3",
    "not_found_accuracy",
    "answerable",
    "unanswerable",
    "quote@1",
    "with_answer",
}


@pytest.fixture
def config(repo_root: Path) -> str:
    """Return the project's config file, absolute, so the tests run from any folder."""
    return str(repo_root / "config" / "bot.yaml")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    code, out, err = run(capsys, *argv)
    assert (code, err) == (0, "")
    assert out.endswith("\n")
    assert out.count("\n") == 1, "one JSON object on one line"
    return json.loads(out)


# --- ask --------------------------------------------------------------------------------


def test_ask_json_shape(capsys: pytest.CaptureFixture[str], config: str) -> None:
    data = run_json(capsys, "ask", "--json", "--config", config, "Why did Kerry lay a wreath?")
    assert set(data) == ANSWER_KEYS
    assert data["question"] == "Why did Kerry lay a wreath?"
    assert data["found"] is True
    assert data["corrected_terms"] == {}
    assert 1 <= len(data["passages"]) <= 3
    for rank, passage in enumerate(data["passages"], start=1):
        assert set(passage) == PASSAGE_KEYS
        assert passage["rank"] == rank
        assert passage["quote"] in passage["text"]
        assert isinstance(passage["score"], float)
        assert isinstance(passage["paragraph"], int)
    first = data["passages"][0]
    assert (first["source"], first["paragraph"]) == (SEED_000, 16)
    assert first["title"] == "Dmitry Danilov, RIAC"  # no title of its own: called by its author
    assert first["author"] == "Dmitry Danilov"
    assert first["section"] is None
    assert (first["publisher"], first["date"], first["url"]) == ("RIAC", None, None)
    assert (first["source_number"], first["page"], first["link"]) == (1, None, None)


def test_ask_json_section_and_correction(capsys: pytest.CaptureFixture[str], config: str) -> None:
    data = run_json(capsys, "ask", "--json", "--config", config, "--top-k", "1", "Beijng leverages")
    assert data["corrected_terms"] == {"beijng": "beijing"}
    (passage,) = data["passages"]
    assert (passage["source"], passage["paragraph"]) == (SEED_004, 9)
    assert passage["section"] == "China Factor?"
    assert passage["author"] == "Rajorshi Roy"


def test_ask_json_not_found(capsys: pytest.CaptureFixture[str], config: str) -> None:
    data = run_json(capsys, "ask", "--json", "--config", config, "How do I bake bread?")
    assert data == {
        "question": "How do I bake bread?",
        "found": False,
        "corrected_terms": {},
        "passages": [],
        "question_language": "en",
        "source_languages": ["en"],
        "language_mismatch": False,
    }


def test_ask_json_question_in_another_language(
    capsys: pytest.CaptureFixture[str], config: str
) -> None:
    data = run_json(capsys, "ask", "--json", "--config", config, "Что Керри сказал о Крыме?")
    assert data["found"] is False
    assert (data["question_language"], data["source_languages"]) == ("ru", ["en"])
    assert data["language_mismatch"] is True


def test_ask_text(capsys: pytest.CaptureFixture[str], config: str) -> None:
    code, out, err = run(capsys, "ask", "--config", config, "Will the sanctions be lifted?")
    assert (code, err) == (0, "")
    assert "sanctions would be lifted" in out
    assert "  [1] Danilov, RIAC · ¶12\n" in out  # the label under the quote
    assert out.endswith("\n\n[1] Dmitry Danilov, RIAC\n")  # the full reference, once
    assert "\x1b[" not in out  # not a terminal: no colour


def test_ask_stdin_one_json_per_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, config: str
) -> None:
    questions = ["Who initiated the meeting?", "", "How do I bake bread?", "  Lavorv  "]
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(questions) + "\n"))
    code, out, err = run(capsys, "ask", "-", "--config", config)
    assert (code, err) == (0, "")
    answers = [json.loads(line) for line in out.splitlines()]
    assert [a["question"] for a in answers] == [
        "Who initiated the meeting?",
        "How do I bake bread?",
        "Lavorv",
    ]
    assert [a["found"] for a in answers] == [True, False, True]
    assert answers[2]["corrected_terms"] == {"lavorv": "lavrov"}
    for answer in answers:
        assert set(answer) == ANSWER_KEYS


def test_ask_empty_question(capsys: pytest.CaptureFixture[str], config: str) -> None:
    code, out, err = run(capsys, "ask", "--config", config, "   ")
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("sourcebot: error: the question is empty")


# --- summary ----------------------------------------------------------------------------


def test_summary_json_shape(capsys: pytest.CaptureFixture[str], config: str) -> None:
    data = run_json(capsys, "summary", "--json", "--config", config)
    assert set(data) == {"source", "topic", "sentences"}
    assert data["source"] is None
    assert data["topic"] is None
    assert {s["source"] for s in data["sentences"]} == {SEED_000, SEED_004}
    for sentence in data["sentences"]:
        assert set(sentence) == {"text", "source", "paragraph"}
        assert isinstance(sentence["paragraph"], int)


def test_summary_by_number_and_by_file(capsys: pytest.CaptureFixture[str], config: str) -> None:
    by_number = run_json(capsys, "summary", "2", "--json", "--config", config)
    by_file = run_json(capsys, "summary", SEED_004, "--json", "--config", config)
    assert by_number == by_file
    assert by_number["source"] == SEED_004
    assert len(by_number["sentences"]) == 5
    assert {s["source"] for s in by_number["sentences"]} == {SEED_004}
    assert by_number["sentences"][0]["text"].startswith("The U.S. Secretary of State John Kerry")


def test_summary_text(capsys: pytest.CaptureFixture[str], config: str) -> None:
    code, out, err = run(capsys, "summary", "2", "--sentences", "3", "--config", config)
    assert (code, err) == (0, "")
    assert out.startswith("Summary of [2] Kerry’s Visit To Sochi")
    # Sentences of one paragraph share one quote and one label.
    assert out.count("  [2] ¶1\n") == 1 and "  [2] Core Differences · ¶2" in out
    assert "Kerry paid an official visit to Sochi" in out


def test_summary_topic(capsys: pytest.CaptureFixture[str], config: str) -> None:
    data = run_json(capsys, "summary", "--topic", "sanctions", "--json", "--config", config)
    assert data["topic"] == "sanctions"
    assert data["sentences"]
    assert all("sanction" in s["text"].casefold() for s in data["sentences"])


@pytest.mark.parametrize("ref", ["nope.txt", "7", "0"])
def test_summary_unknown_source(capsys: pytest.CaptureFixture[str], config: str, ref: str) -> None:
    code, out, err = run(capsys, "summary", ref, "--config", config)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith(f"sourcebot: error: no source {ref!r}")


# --- sources and eval -------------------------------------------------------------------


def test_sources_json(capsys: pytest.CaptureFixture[str], config: str) -> None:
    data = run_json(capsys, "sources", "--json", "--config", config)
    assert isinstance(data, list)
    assert [set(row) for row in data] == [SOURCE_KEYS, SOURCE_KEYS]
    first, second = data
    assert (first["number"], first["file"], first["paragraphs"], first["passages"]) == (
        1,
        SEED_000,
        16,
        16,
    )
    assert (first["author"], first["publisher"], first["date"], first["url"]) == (
        "Dmitry Danilov",
        "RIAC",
        None,
        None,
    )
    assert (second["number"], second["file"], second["paragraphs"]) == (2, SEED_004, 13)
    assert (
        second["title"] == "Kerry’s Visit To Sochi: New Dynamics Of Russia-US Engagement – Analysis"
    )
    assert second["passages"] >= second["paragraphs"]


def test_sources_text(capsys: pytest.CaptureFixture[str], config: str) -> None:
    code, out, err = run(capsys, "sources", "--config", config)
    assert (code, err) == (0, "")
    assert out.startswith(f"[1] Dmitry Danilov, RIAC\n   {SEED_000} · 16 ¶ · 16 passages")
    assert "[2] Kerry’s Visit To Sochi" in out


def test_eval_questions_json(
    capsys: pytest.CaptureFixture[str], config: str, repo_root: Path
) -> None:
    dataset = str(repo_root / "tests" / "data" / "seed_questions.yaml")
    data = run_json(capsys, "eval", dataset, "--json", "--config", config)
    assert set(data) == EVAL_KEYS
    assert data["top1"] >= 0.9
    assert data["not_found_accuracy"] == 1.0
    assert data["unanswerable"] >= 5


def test_eval_beir_json(capsys: pytest.CaptureFixture[str], config: str) -> None:
    if not (MSMARCO_5K / "corpus.jsonl").is_file():
        pytest.skip(f"{MSMARCO_5K} is not present")
    data = run_json(
        capsys, "eval", str(MSMARCO_5K), "--engine", "sparse", "--json", "--config", config
    )
    assert set(data) == {"ndcg@10", "recall@10", "recall@100", "mrr@10", "queries"}
    assert data["queries"] == 43
    assert data["ndcg@10"] > 0.7264


def test_eval_engine_only_for_beir(
    capsys: pytest.CaptureFixture[str], config: str, repo_root: Path
) -> None:
    dataset = str(repo_root / "tests" / "data" / "seed_questions.yaml")
    code, out, err = run(capsys, "eval", dataset, "--engine", "bm25s", "--config", config)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert "--engine" in err


def test_eval_not_a_dataset(
    capsys: pytest.CaptureFixture[str], config: str, tmp_path: Path
) -> None:
    code, out, err = run(capsys, "eval", str(tmp_path / "nothing.txt"), "--config", config)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert "nothing.txt" in err


# --- bad configuration and bad arguments ------------------------------------------------

BAD_CONFIGS = [
    ("index:\n  enigne: sparse\n", "enigne"),
    ("bogus:\n  a: 1\n", "bogus"),
    ("tokenizer:\n  stemming: true\n", "stemming"),
    ("index:\n  k1: fast\n", "index.k1"),
    ("answers:\n  spelling: 'yes'\n", "answers.spelling"),
    ("answers:\n  top_k: 0\n", "answers.top_k"),
    ("sources:\n  folders: seeds\n", "sources.folders"),
    ("sources:\n  on_error: ignore\n", "sources.on_error"),
    ("index:\n  engine: lucene\n", "index.engine"),
    ("cleaning:\n  drop_lines: ['(unclosed']\n", "cleaning.drop_lines[0]"),
    ("cleaning:\n  byline: '^By .*$'\n", "cleaning.byline"),
    ("index: [unclosed\n  k1: 1\n", "line 2"),
    ("- just\n- a list\n", "mapping"),
]


@pytest.mark.parametrize(("text", "key"), BAD_CONFIGS, ids=[k for _, k in BAD_CONFIGS])
def test_bad_config(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, text: str, key: str
) -> None:
    path = tmp_path / "bot.yaml"
    path.write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "sources", "--config", str(path))
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1, err
    assert err.startswith("sourcebot: error: ")
    assert str(path) in err
    assert key in err
    assert "Traceback" not in err


def test_bad_metadata_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    meta = tmp_path / "sources.yaml"
    meta.write_text("a.txt:\n  titel: Oops\n", encoding="utf-8")
    path = tmp_path / "bot.yaml"
    path.write_text(f"sources:\n  metadata: {meta}\n", encoding="utf-8")
    code, out, err = run(capsys, "sources", "--config", str(path))
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert str(meta) in err
    assert "titel" in err


def test_missing_config(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "absent.yaml"
    code, out, err = run(capsys, "ask", "Kerry", "--config", str(path))
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert str(path) in err
    assert "not found" in err


def test_missing_source_folder(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "bot.yaml"
    path.write_text("sources:\n  folders: [articles]\n", encoding="utf-8")
    code, out, err = run(capsys, "sources", "--config", str(path))
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert str(tmp_path / "articles") in err


@pytest.mark.parametrize(
    "argv",
    [
        ["ask", "--bogus", "Kerry"],
        ["ask"],
        ["frobnicate"],
        [],
        ["ask", "Kerry", "--top-k", "0"],
        ["ask", "Kerry", "--top-k", "many"],
        ["summary", "--sentences", "101"],
        ["eval", "tests/data", "--engine", "nope"],
    ],
    ids=lambda argv: " ".join(argv) or "nothing",
)
def test_bad_arguments_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "usage: sourcebot" in err
    assert "Traceback" not in err


# --- the installed entry point ----------------------------------------------------------


def test_entry_point_subprocess(repo_root: Path, tmp_path: Path) -> None:
    script = repo_root / ".venv" / "bin" / "sourcebot"
    if not script.exists():
        pytest.skip(f"{script} is not installed")
    config = str(repo_root / "config" / "bot.yaml")
    done = subprocess.run(
        [str(script), "ask", "--json", "--config", config, "Was Crimea brought up?"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,  # the config path, not the working folder, locates everything
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")
    data = json.loads(done.stdout)
    assert data["found"] is True
    assert (data["passages"][0]["source"], data["passages"][0]["paragraph"]) == (SEED_000, 12)
    bad = subprocess.run(
        [str(script), "summary", "nope", "--config", config],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert bad.returncode == 2
    assert bad.stdout == ""
    assert bad.stderr.count("\n") == 1


# --- show ------------------------------------------------------------------------------------

SHOW_KEYS = {"source", "title", "author", "publisher", "date", "url", "paragraphs"}


def test_show_json_is_the_source_as_the_bot_knows_it(
    capsys: pytest.CaptureFixture[str], config: str
) -> None:
    data = run_json(capsys, "show", "2", "--json", "--config", config)
    assert set(data) == SHOW_KEYS
    assert data["source"] == "004_d7ba4bda41c5698a.txt"
    assert data["title"].startswith("Kerry’s Visit To Sochi")
    assert data["author"] == "Rajorshi Roy"
    paragraphs = data["paragraphs"]
    assert [p["paragraph"] for p in paragraphs] == list(range(1, 14))
    assert set(paragraphs[0]) == {"paragraph", "section", "page", "text"}
    assert paragraphs[1]["section"] == "Core Differences"
    assert paragraphs[0]["page"] is None
    assert paragraphs[0]["text"].startswith("The U.S. Secretary of State John Kerry")


def test_show_by_file_name_and_a_source_without_title(
    capsys: pytest.CaptureFixture[str], config: str
) -> None:
    data = run_json(capsys, "show", "000_db2147d2a0a50ea2.txt", "--json", "--config", config)
    assert (data["title"], data["author"], data["publisher"]) == (None, "Dmitry Danilov", "RIAC")
    code, out, err = run(capsys, "show", "1", "--config", config)
    assert (code, err) == (0, "")
    assert out.startswith("1. Dmitry Danilov, RIAC (no title)\n   file: 000_db2147d2a0a50ea2.txt")
    assert "\n¶ 16\nJohn Kerry laying a wreath" in out


def test_show_of_an_unknown_source_is_one_line(
    capsys: pytest.CaptureFixture[str], config: str
) -> None:
    code, out, err = run(capsys, "show", "42", "--config", config)
    assert (code, out) == (2, "")
    assert err.startswith("sourcebot: error: no source '42': give a file name or a number")


# --- eval DIR (extraction sets) ------------------------------------------------------------


def _extraction_set(folder: Path) -> Path:
    import gzip

    article = (
        "The harbour authority approved a new sea wall on Tuesday after two winters of floods.\n\n"
        "Work will begin in the spring and should take three years, the authority said."
    )
    menu = "\n".join(f"  • {item}" for item in ("Home", "News", "Sport", "Weather", "Jobs"))
    (folder / "html").mkdir(parents=True)
    (folder / "text").mkdir()
    (folder / "ground-truth.json").write_text(
        json.dumps({"page1": {"articleBody": article, "url": "https://example.org/1"}}),
        encoding="utf-8",
    )
    html = (
        "<html><head><title>Sea wall approved</title></head><body><nav>Home News</nav>"
        "<article><h1>Sea wall approved</h1>"
        + "".join(f"<p>{p}</p>" for p in article.split("\n\n"))
        + "</article><footer>© 2019 Harbour News</footer></body></html>"
    )
    (folder / "html" / "page1.html.gz").write_bytes(gzip.compress(html.encode()))
    text = f"{menu}\n\nSea wall approved\n\n{article}\n\nRelated\n{menu}\n\n© 2019 Harbour News\n"
    (folder / "text" / "page1.txt").write_text(text, encoding="utf-8")
    return folder


def test_eval_of_an_extraction_set_scores_each_format(
    capsys: pytest.CaptureFixture[str], config: str, tmp_path: Path
) -> None:
    folder = _extraction_set(tmp_path / "set")
    data = run_json(capsys, "eval", str(folder), "--json", "--config", config)
    assert set(data) == {"html", "text"}
    for form in ("html", "text"):
        scores = data[form]
        assert set(scores) == {
            "pages",
            "precision",
            "recall",
            "f1",
            "median_f1",
            "titles_found",
            "titles_right",
            "worst",
        }
        assert scores["pages"] == 1
        assert scores["recall"] == 1.0  # every article word kept
        assert scores["f1"] == pytest.approx(2 * scores["precision"] / (scores["precision"] + 1))
    assert data["html"]["precision"] == 1.0
    code, out, err = run(capsys, "eval", str(folder), "--pages", "0:1", "--config", config)
    assert (code, err) == (0, "")
    assert out.startswith("html (1 pages)\n")


def test_extraction_scores_follow_the_web_dev_definition() -> None:
    from retrieval.evaluate.extraction import token_scores

    # NFKC and lowercase; runs of letters and digits; multiset overlap.
    p, r, f = token_scores("Kerry’s visit, U.S. ﬁrst", "kerry s visit u s first first")
    assert (p, r) == (1.0, 6 / 7)
    assert f == pytest.approx(2 * p * r / (p + r))
    assert token_scores("", "") == (1.0, 1.0, 1.0)
    assert token_scores("", "words") == (0.0, 0.0, 0.0)


def test_eval_pages_is_only_for_extraction_sets(
    capsys: pytest.CaptureFixture[str], config: str, repo_root: Path
) -> None:
    dataset = str(repo_root / "tests" / "data" / "seed_questions.yaml")
    code, _, err = run(capsys, "eval", dataset, "--pages", "0:5", "--config", config)
    assert code == 2
    assert "--pages applies to extraction sets" in err


SQUAD_KEYS = {
    "para@1",
    "para@3",
    "quote@1",
    "quote@1_given_para@1",
    "not_found_answerable",
    "off_topic_not_found",
    "articles",
    "paragraphs",
    "questions",
}


def test_eval_squad_json(capsys: pytest.CaptureFixture[str], config: str, tmp_path: Path) -> None:
    data = {
        "data": [
            {
                "title": "Lighthouses",
                "paragraphs": [
                    {
                        "context": "The Eddystone Lighthouse stands on rocks south of Plymouth. "
                        "Its fourth tower was designed by James Douglass and lit in 1882.",
                        "qas": [
                            {
                                "id": "1",
                                "question": "Who designed the fourth Eddystone tower?",
                                "answers": [{"text": "James Douglass", "answer_start": 96}],
                            }
                        ],
                    }
                ],
            },
            {
                "title": "Bread",
                "paragraphs": [
                    {
                        "context": "Bread is baked from flour, water and yeast.",
                        "qas": [
                            {
                                "id": "2",
                                "question": "What is bread baked from?",
                                "answers": [{"text": "flour, water and yeast"}],
                            }
                        ],
                    }
                ],
            },
        ]
    }
    path = tmp_path / "squad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = run_json(capsys, "eval", str(path), "--off-topic", "--json", "--config", config)
    assert set(result) == SQUAD_KEYS
    assert (result["articles"], result["paragraphs"], result["questions"]) == (2, 2, 2)
    assert result["para@1"] == 1.0
    assert result["quote@1"] == 1.0
    assert result["off_topic_not_found"] == 1.0
    without = run_json(capsys, "eval", str(path), "--json", "--config", config)
    assert "off_topic_not_found" not in without


def test_eval_off_topic_only_for_squad(
    capsys: pytest.CaptureFixture[str], config: str, repo_root: Path
) -> None:
    dataset = str(repo_root / "tests" / "data" / "seed_questions.yaml")
    code, out, err = run(capsys, "eval", dataset, "--off-topic", "--config", config)
    assert (code, out) == (2, "")
    assert "--off-topic" in err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert re.fullmatch(r"sourcebot \d+\.\d+\.\d+\n", out)
