"""The `sourcebot` command: argument parsing only; the work happens in retrieval/ and bot/.

Subcommands: ask, summary, sources, eval, chat, run. Every domain error is turned into one
line on stderr and exit code 2 here, and nowhere else.
"""

from __future__ import annotations

import argparse
import faulthandler
import hashlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO, get_args

from bot.config import DEFAULT_CONFIG, Settings, load_settings, project_root
from bot.logs import printable, redact
from bot.progress import ProgressBar
from bot.render_terminal import render_answer, render_sources, render_summary
from retrieval import (
    Answer,
    EngineName,
    Library,
    SourcebotError,
    Summary,
    index_fingerprint,
    update_index,
)

EXIT_USAGE = 2


class CliError(SourcebotError):
    """A command-line argument that cannot be used."""


def answer_json(answer: Answer) -> dict[str, Any]:
    """Return the public JSON shape of an answer (see README, `sourcebot ask --json`)."""
    return {
        "question": answer.question,
        "found": answer.found,
        "corrected_terms": answer.corrected_terms,
        "passages": [
            {
                "rank": h.rank,
                "source": h.passage.source,
                "title": h.meta.title,
                "author": h.meta.author,
                "paragraph": h.passage.paragraph,
                "section": h.passage.section,
                "score": h.score,
                "quote": h.quote.text,
                "text": h.paragraph_text,
            }
            for h in answer.hits
        ],
    }


def summary_json(summary: Summary) -> dict[str, Any]:
    """Return the public JSON shape of a summary (see README, `sourcebot summary --json`)."""
    return {
        "source": summary.source,
        "topic": summary.topic,
        "sentences": [
            {"text": s.text, "source": s.source, "paragraph": s.paragraph}
            for s in summary.sentences
        ],
    }


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if not 1 <= value <= 100:
        raise argparse.ArgumentTypeError(f"must be between 1 and 100, got {value}")
    return value


def _at_least(low: int) -> Any:
    def parse(text: str) -> int:
        try:
            value = int(text.replace("_", "").replace(",", ""))
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"must be at least {low:,}, got {value:,}")
        return value

    return parse


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the `sourcebot` command."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config", type=Path, default=DEFAULT_CONFIG, help="settings file (default: %(default)s)"
    )
    parser = argparse.ArgumentParser(
        prog="sourcebot",
        description="Answer questions about a folder of articles by quoting them.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    loaded = argparse.ArgumentParser(add_help=False)
    loaded.add_argument(
        "--index-dir", type=Path, help="load a saved index (see `index`) instead of the sources"
    )

    ask = sub.add_parser("ask", parents=[common, loaded], help="answer a question with quotes")
    ask.add_argument("question", help="the question, or - to read one question per line")
    ask.add_argument("--json", action="store_true", help="print JSON")
    ask.add_argument("--top-k", type=_positive, default=None, help="how many passages")

    summary = sub.add_parser("summary", parents=[common, loaded], help="summarise the sources")
    summary.add_argument("source", nargs="?", help="file name or number from `sources`")
    summary.add_argument("--topic", help="summarise what the sources say about a topic")
    summary.add_argument("--sentences", type=_positive, default=None, help="how many")
    summary.add_argument("--json", action="store_true", help="print JSON")

    sources = sub.add_parser("sources", parents=[common, loaded], help="list the sources")
    sources.add_argument("--json", action="store_true", help="print JSON")

    ev = sub.add_parser("eval", parents=[common], help="measure retrieval quality")
    ev.add_argument("dataset", type=Path, help="BEIR folder or YAML question file")
    ev.add_argument("--json", action="store_true", help="print JSON")
    ev.add_argument(
        "--engine",
        choices=sorted(get_args(EngineName)),
        help="engine to measure instead of the configured one",
    )

    sub.add_parser("chat", parents=[common, loaded], help="ask questions in the terminal")

    index = sub.add_parser("index", parents=[common], help="build or update a saved index")
    index.add_argument(
        "paths", nargs="*", type=Path, metavar="SOURCE", help="files or folders (default: config)"
    )
    index.add_argument("--index-dir", type=Path, help="where to save (default: a cache folder)")

    bench = sub.add_parser("bench", help="benchmark against tantivy, bm25s and rank-bm25")
    bench.add_argument(
        "--passages", type=_at_least(1000), default=1_000_000, help="corpus size (default 1M)"
    )
    bench.add_argument("--questions", type=_at_least(10), default=1000, help="default 1000")
    bench.add_argument("--seed", type=int, default=0, help="synthetic corpus seed")
    bench.add_argument(
        "--systems",
        default="tantivy,bm25s,rank-bm25,sourcebot",
        help="comma-separated (default: all four)",
    )

    feedback = sub.add_parser("feedback", parents=[common], help="summarise 👍/👎 votes")
    feedback.add_argument("--json", action="store_true", help="print JSON")
    feedback.add_argument("--top", type=_positive, default=10, help="how many to list")

    run = sub.add_parser("run", parents=[common, loaded], help="start the Telegram bot")
    run.add_argument("--base-url", help="Bot API server URL (local server or emulator)")
    run.add_argument("--test-env", action="store_true", help="use Telegram's test environment")
    return parser


def _print_json(data: Any, out: TextIO) -> None:
    out.write(json.dumps(data, ensure_ascii=False) + "\n")


def cmd_ask(args: argparse.Namespace, library: Library, out: TextIO) -> int:
    if args.question == "-":
        for line in sys.stdin:
            question = line.strip()
            if question:
                _print_json(answer_json(library.answer(question, top_k=args.top_k)), out)
                out.flush()
        return 0
    if not args.question.strip():
        raise CliError("the question is empty: ask something, e.g. sourcebot ask 'Who met Kerry?'")
    answer = library.answer(args.question, top_k=args.top_k)
    if args.json:
        _print_json(answer_json(answer), out)
    else:
        out.write(render_answer(answer, color=out.isatty()) + "\n")
    return 0


def cmd_summary(args: argparse.Namespace, library: Library, out: TextIO) -> int:
    source = None
    if args.source is not None:
        source = library.find_source(args.source)
        if source is None:
            raise CliError(
                f"no source {args.source!r}: give a file name or a number from `sourcebot sources`"
            )
    summary = library.summarize(source=source, topic=args.topic, max_sentences=args.sentences)
    if args.json:
        _print_json(summary_json(summary), out)
    else:
        out.write(render_summary(summary, color=out.isatty()) + "\n")
    return 0


def cmd_sources(args: argparse.Namespace, library: Library, out: TextIO) -> int:
    rows = library.source_rows()
    if args.json:
        _print_json(
            [
                {
                    "number": s.number,
                    "file": s.file,
                    "title": s.meta.title,
                    "author": s.meta.author,
                    "publisher": s.meta.publisher,
                    "date": s.meta.date,
                    "url": s.meta.url,
                    "paragraphs": len(s.paragraphs),
                    "passages": n,
                }
                for s, n in rows
            ],
            out,
        )
    else:
        out.write(render_sources(rows) + "\n")
    return 0


def cmd_eval(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    from retrieval.evaluate import evaluate_beir, evaluate_questions

    dataset: Path = args.dataset
    if dataset.is_dir():
        scores = evaluate_beir(dataset, settings.retrieval, engine=args.engine)
        result: dict[str, Any] = scores.as_json()
    elif dataset.suffix.lower() in (".yaml", ".yml") and dataset.is_file():
        if args.engine:
            raise CliError("--engine applies to BEIR folders; set index.engine in the config")
        report = evaluate_questions(dataset, Library.load(settings.retrieval).answerer)
        result = report.as_json()
    else:
        raise CliError(
            f"{dataset}: not a BEIR folder or a .yaml question file; see README, `sourcebot eval`"
        )
    if args.json:
        _print_json(result, out)
    else:
        for key, value in result.items():
            out.write(
                f"{key:>20}  {value:.4f}\n" if isinstance(value, float) else f"{key:>20}  {value}\n"
            )
    return 0


def cmd_chat(library: Library, out: TextIO) -> int:
    out.write(
        f"sourcebot: {len(library.sources)} sources, {library.passage_total} passages. "
        "Ask a question; 'summary', 'sources' or an empty line to quit.\n"
    )
    color = out.isatty()
    while True:
        try:
            line = input("? ").strip()
        except EOFError:
            break
        if not line:
            break
        if line == "sources":
            out.write(render_sources(library.source_rows()) + "\n")
        elif line == "summary" or line.startswith("summary "):
            ref = line[len("summary") :].strip()
            request = library.resolve_summary(ref)
            if request.problem == "no-source":
                out.write(f"There is no source {ref}: `sources` lists {len(library.sources)}.\n")
            elif request.problem is not None:
                out.write("Usage: summary, summary N (a number from `sources`), summary <topic>\n")
            else:
                summary = library.summarize(source=request.source, topic=request.topic)
                out.write(render_summary(summary, color) + "\n")
        else:
            out.write(render_answer(library.answer(line), color=color) + "\n")
        out.flush()
    return 0


def default_index_dir(settings: Settings, paths: Sequence[Path]) -> Path:
    """Return the cache folder for an index of these sources with these settings."""
    if settings.retrieval.sources.index_dir is not None and not paths:
        return settings.retrieval.sources.index_dir
    roots = sorted(str(p.resolve()) for p in (paths or settings.retrieval.sources.folders))
    key = hashlib.sha256(
        json.dumps([roots, index_fingerprint(settings.retrieval)]).encode()
    ).hexdigest()[:12]
    return project_root(settings.path) / ".cache" / f"index-{key}"


def cmd_index(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    folder = args.index_dir or default_index_dir(settings, args.paths)
    progress = ProgressBar(sys.stderr) if sys.stderr.isatty() else None
    report = update_index(settings.retrieval, folder, args.paths or None, progress)
    if progress:
        progress.close()
    index = report.index
    out.write(
        f"indexed {len(index.sources)} sources, {len(index)} passages in {report.seconds:.1f} s "
        f"into {folder}\n"
        f"added {len(report.added)}, changed {len(report.changed)}, "
        f"removed {len(report.removed)}, unchanged {len(report.unchanged)}\n"
    )
    for warning in report.warnings:
        out.write(f"warning: {printable(warning)}\n")
    out.write(f"use it with: sourcebot ask QUESTION --index-dir {folder}\n")
    return 0


def cmd_bench(args: argparse.Namespace, out: TextIO) -> int:
    from retrieval.bench import SYSTEMS, format_table, run_bench

    systems = tuple(s.strip() for s in args.systems.split(",") if s.strip())
    unknown = [s for s in systems if s not in SYSTEMS]
    if unknown or not systems:
        raise CliError(
            f"--systems: unknown {', '.join(unknown) or '(none)'}; choose from {', '.join(SYSTEMS)}"
        )
    out.write(f"benchmarking {args.passages:,} passages, {args.questions:,} questions...\n")
    out.flush()
    rows = run_bench(args.passages, args.questions, args.seed, systems=systems)
    out.write(format_table(rows) + "\n")
    return 0


def cmd_feedback(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    from bot.feedback import FeedbackStore

    path = settings.privacy.feedback_file
    summary = FeedbackStore(path).summary(args.top)
    if args.json:
        _print_json(
            {
                "file": str(path),
                "up": summary.up,
                "down": summary.down,
                "passages_down": [{"passage": p, "votes": n} for p, n in summary.passages_down],
                "questions_down": [{"question": q, "votes": n} for q, n in summary.questions_down],
                "skipped": summary.skipped,
            },
            out,
        )
        return 0
    if not settings.privacy.feedback and summary.up + summary.down == 0:
        out.write("no votes: feedback is off (privacy.feedback: false in the config)\n")
        return 0
    out.write(f"{summary.up} 👍, {summary.down} 👎 in {path}\n")
    if summary.skipped:
        out.write(f"{summary.skipped} rows that are not sourcebot votes were skipped\n")
    if summary.passages_down:
        out.write("passages voted down most:\n")
        out.writelines(f"  {n:>4}  {p}\n" for p, n in summary.passages_down)
    if summary.questions_down:
        out.write("questions whose answers were voted down most:\n")
        out.writelines(f"  {n:>4}  {q}\n" for q, n in summary.questions_down)
    return 0


def dispatch(args: argparse.Namespace, out: TextIO) -> int:
    """Run one parsed command; domain errors propagate to `main`."""
    if args.command == "bench":
        return cmd_bench(args, out)
    settings = load_settings(args.config)
    if args.command == "eval":
        return cmd_eval(args, settings, out)
    if args.command == "index":
        return cmd_index(args, settings, out)
    if args.command == "feedback":
        return cmd_feedback(args, settings, out)
    if args.command == "run":
        from bot.runner import run_bot

        return run_bot(
            settings, base_url=args.base_url, test_env=args.test_env, index_dir=args.index_dir
        )
    library = Library.load(settings.retrieval, args.index_dir)
    if args.command == "ask":
        return cmd_ask(args, library, out)
    if args.command == "summary":
        return cmd_summary(args, library, out)
    if args.command == "sources":
        return cmd_sources(args, library, out)
    return cmd_chat(library, out)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the `sourcebot` command line; return its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not faulthandler.is_enabled():
        # A memory-mapped index file cut short under a running process ends it with SIGBUS:
        # at least say where, on stderr, instead of dying without a word.
        faulthandler.enable()
    try:
        return dispatch(args, sys.stdout)
    except SourcebotError as exc:
        # Through the same redaction as every log line: a Bot API error can quote a URL or a
        # server's answer, and either can hold the token.
        print(f"sourcebot: error: {redact(printable(str(exc)))}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
