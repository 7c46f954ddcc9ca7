"""One table of answer quality over parallel SQuAD-format files, one per language (XQuAD).

For each `xquad.LANG.json` of a folder: `evaluate_squad` with the off-topic control, and
paragraph top-1 of the two BM25 peers on the same paragraphs (each with its article's
title, as sourcebot indexes them): bm25s (k1 1.5, b 0.75, its tokenizer, the language's
Snowball stemmer where PyStemmer has one and its stopword list where it ships one) and
rank-bm25 (BM25Okapi over lowercased whitespace tokens). Rules are tuned on one half of
the articles and reported on the other: every row is given for the even articles (0, 2,
4... in file order), the odd ones, and all.

    python -m retrieval.evaluate.multilingual DIR [--languages en,de] [--no-peers] [--json]

(`make eval-languages` runs it on the shared XQuAD dev set; about four minutes on two
cores.) Measurement only: nothing at run time imports this module.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from retrieval.evaluate.squad import SquadArticle, load_squad
from retrieval.evaluate.squad_eval import SquadReport, score
from retrieval.settings import RetrievalSettings

SPLITS: dict[str, Callable[[int], bool]] = {
    "even": lambda article: article % 2 == 0,
    "odd": lambda article: article % 2 == 1,
    "all": lambda article: True,
}
COLUMNS = (
    "para@1",
    "para@3",
    "quote@1",
    "quote@1_given_para@1",
    "not_found_answerable",
    "off_topic_not_found",
)
PEERS = ("bm25s", "rank-bm25")
# PyStemmer's Snowball algorithm for the languages of XQuAD that have one.
_STEMMERS = {
    "ar": "arabic",
    "de": "german",
    "el": "greek",
    "en": "english",
    "es": "spanish",
    "hi": "hindi",
    "ro": "romanian",
    "ru": "russian",
    "tr": "turkish",
}
_BM25S_STOPWORDS = frozenset({"en", "ru", "de", "es", "zh", "tr"})


def _documents(articles: Sequence[SquadArticle]) -> tuple[list[str], list[tuple[int, int]]]:
    """Return every paragraph with its article's title, and its (article, paragraph)."""
    texts: list[str] = []
    where: list[tuple[int, int]] = []
    for a, article in enumerate(articles):
        title = article.title.replace("_", " ")
        for p, text in enumerate(article.paragraphs, 1):
            texts.append(f"{title}\n{text}")
            where.append((a, p))
    return texts, where


def _questions(articles: Sequence[SquadArticle]) -> list[tuple[int, int, str]]:
    """Return (article, paragraph, question) for every question with an answer."""
    return [
        (a, q.paragraph, q.question)
        for a, article in enumerate(articles)
        for q in article.questions
        if q.answers
    ]


def _bm25s_top1(articles: Sequence[SquadArticle], language: str) -> list[tuple[int, int]]:
    import bm25s
    import Stemmer

    texts, where = _documents(articles)
    algorithm = _STEMMERS.get(language)
    stemmer = Stemmer.Stemmer(algorithm) if algorithm else None
    stopwords = language if language in _BM25S_STOPWORDS else None
    retriever = bm25s.BM25(k1=1.5, b=0.75)
    retriever.index(
        bm25s.tokenize(texts, stopwords=stopwords, stemmer=stemmer, show_progress=False),
        show_progress=False,
    )
    queries = [q for _, _, q in _questions(articles)]
    tokens = bm25s.tokenize(
        queries, stopwords=stopwords, stemmer=stemmer, return_ids=False, show_progress=False
    )
    top: list[tuple[int, int]] = []
    for query in tokens:
        known = [t for t in query if t in retriever.vocab_dict]
        if not known:
            top.append((-1, -1))
            continue
        ids, _ = retriever.retrieve([known], k=1, show_progress=False)
        top.append(where[int(ids[0][0])])
    return top


def _rank_bm25_top1(articles: Sequence[SquadArticle]) -> list[tuple[int, int]]:
    from rank_bm25 import BM25Okapi

    texts, where = _documents(articles)
    model = BM25Okapi([t.lower().split() for t in texts])
    top: list[tuple[int, int]] = []
    for _, _, question in _questions(articles):
        scores = model.get_scores(question.lower().split())
        best = max(range(len(scores)), key=lambda i: (scores[i], -i))
        top.append(where[best])
    return top


def peer_hits(articles: Sequence[SquadArticle], language: str) -> dict[str, list[bool]]:
    """Return, per peer, whether each answerable question's top paragraph is its own."""
    gold = [(a, p) for a, p, _ in _questions(articles)]
    tops = {"bm25s": _bm25s_top1(articles, language), "rank-bm25": _rank_bm25_top1(articles)}
    return {name: [t == g for t, g in zip(top, gold, strict=True)] for name, top in tops.items()}


def language_rows(
    report: SquadReport, peers: dict[str, list[bool]] | None
) -> dict[str, dict[str, float]]:
    """Return the scores of one language's report for each split, with the peers'."""
    articles = [r.article for r in report.results]
    rows: dict[str, dict[str, float]] = {}
    for split, keep in SPLITS.items():
        results = [r for r in report.results if keep(r.article)]
        control = [r for r in report.off_topic if keep(r.article)]
        row = score(results, control)
        for name, hits in (peers or {}).items():
            chosen = [h for h, a in zip(hits, articles, strict=True) if keep(a)]
            row[f"{name} para@1"] = sum(chosen) / len(chosen) if chosen else 0.0
        rows[split] = row
    return rows


def measure(
    folder: Path,
    languages: Sequence[str],
    settings: RetrievalSettings,
    peers: bool = True,
    progress: TextIO | None = None,
) -> dict[str, dict[str, dict[str, float]]]:
    """Return {language: {split: scores}} for the languages' files in folder."""
    from retrieval.evaluate.squad_eval import evaluate_squad

    table: dict[str, dict[str, dict[str, float]]] = {}
    for language in languages:
        articles = load_squad(folder / f"xquad.{language}.json")
        report = evaluate_squad(articles, settings, off_topic=True)
        table[language] = language_rows(report, peer_hits(articles, language) if peers else None)
        if progress is not None:
            progress.write(f"{language} done\n")
            progress.flush()
    return table


def render(table: dict[str, dict[str, dict[str, float]]], out: TextIO) -> None:
    """Write the table: one line per language and split, then the mean of each split."""
    first = next(iter(table.values()), {})
    keys = [k for k in (*COLUMNS, *(f"{p} para@1" for p in PEERS)) if k in first.get("all", {})]
    short = {
        "quote@1_given_para@1": "q@1|para",
        "not_found_answerable": "nf_answ",
        "off_topic_not_found": "offtopic",
        "bm25s para@1": "bm25s",
        "rank-bm25 para@1": "rank-bm25",
    }
    out.write(f"{'lang':<5}{'split':<6}" + "".join(f"{short.get(k, k):>10}" for k in keys) + "\n")
    for split in SPLITS:
        for language, rows in table.items():
            row = rows[split]
            out.write(f"{language:<5}{split:<6}" + "".join(f"{row[k]:>10.3f}" for k in keys) + "\n")
        mean = {k: sum(rows[split][k] for rows in table.values()) / len(table) for k in keys}
        out.write(f"{'mean':<5}{split:<6}" + "".join(f"{mean[k]:>10.3f}" for k in keys) + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Measure the folder's languages and print the table (or JSON)."""
    parser = argparse.ArgumentParser(prog="python -m retrieval.evaluate.multilingual")
    parser.add_argument("folder", type=Path, help="a folder of xquad.LANG.json files")
    parser.add_argument("--languages", help="comma-separated codes (default: every file's)")
    parser.add_argument("--no-peers", action="store_true", help="leave out bm25s and rank-bm25")
    parser.add_argument("--json", action="store_true", help="print JSON instead of the table")
    args = parser.parse_args(argv)
    folder: Path = args.folder
    if args.languages:
        languages = [code.strip() for code in args.languages.split(",") if code.strip()]
    else:
        languages = sorted(p.name.split(".")[1] for p in folder.glob("xquad.*.json"))
    missing = [code for code in languages if not (folder / f"xquad.{code}.json").is_file()]
    if not languages or missing:
        parser.error(f"no xquad.LANG.json in {folder} for {', '.join(missing) or 'any language'}")
    table = measure(folder, languages, RetrievalSettings(), not args.no_peers, sys.stderr)
    if args.json:
        data: dict[str, Any] = table
        json.dump(data, sys.stdout, indent=1, sort_keys=True)
        sys.stdout.write("\n")
    else:
        render(table, sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
