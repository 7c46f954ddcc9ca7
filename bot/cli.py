"""The `sourcebot` command: argument parsing only; the work happens in retrieval/ and bot/.

Subcommands: ask, summary, sources, show, eval, chat, index, bench, feedback, run. Every
domain error is turned into one line on stderr and exit code 2 here, and nowhere else.
"""

from __future__ import annotations

import argparse
import dataclasses
import faulthandler
import hashlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any, TextIO, cast, get_args

from bot.config import DEFAULT_CONFIG, Settings, load_settings, project_root
from bot.json_shapes import (
    answer_json,
    feedback_json,
    source_json,
    sources_json,
    summary_json,
)
from bot.logs import printable, redact, setup_logging
from bot.progress import ProgressBar
from bot.version import VersionAction
from retrieval import (
    EngineName,
    Library,
    SourcebotError,
    index_fingerprint,
    update_index,
)

EXIT_USAGE = 2


class CliError(SourcebotError):
    """A command-line argument that cannot be used."""


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
    parser.add_argument("--version", action=VersionAction, nargs=0, help="print the version")
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

    show = sub.add_parser("show", parents=[common, loaded], help="print one cleaned source")
    show.add_argument("source", help="file name or number from `sources`")
    show.add_argument("--json", action="store_true", help="print JSON")

    ev = sub.add_parser("eval", parents=[common], help="measure retrieval or cleaning quality")
    ev.add_argument(
        "dataset",
        type=Path,
        help="BEIR folder, YAML question file, SQuAD-format .json file or extraction set folder",
    )
    ev.add_argument("--json", action="store_true", help="print JSON")
    ev.add_argument(
        "--engine",
        choices=sorted(get_args(EngineName)),
        help="engine to measure instead of the configured one",
    )
    ev.add_argument(
        "--pages", metavar="START:STOP", help="extraction sets: only these pages, in name order"
    )
    ev.add_argument(
        "--off-topic",
        action="store_true",
        help="SQuAD files: also ask each article's questions of the other articles only",
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
        "--shape",
        choices=("documents", "articles", "both"),
        default="both",
        help="one passage a document, passages in articles, or both (default)",
    )
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
    run.add_argument(
        "--webhook-url",
        metavar="URL",
        help="serve a webhook at this https:// address instead of polling (telegram.webhook)",
    )
    return parser


def _width(out: TextIO) -> int:
    """Return the width to wrap to: the terminal's, or WIDTH when out is not a terminal."""
    return int(_terminal().terminal_width() if out.isatty() else _terminal().WIDTH)


def _terminal() -> ModuleType:
    """Return the terminal renderer (and the bot's wording): `sourcebot index` goes without."""
    import bot.render_terminal

    return bot.render_terminal


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
        out.write(_terminal().render_answer(answer, color=out.isatty(), width=_width(out)) + "\n")
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
        out.write(_terminal().render_summary(summary, color=out.isatty(), width=_width(out)) + "\n")
    return 0


def cmd_sources(args: argparse.Namespace, library: Library, out: TextIO) -> int:
    rows = library.source_rows()
    if args.json:
        _print_json(sources_json(rows), out)
    else:
        out.write(_terminal().render_sources(rows) + "\n")
    return 0


def cmd_show(args: argparse.Namespace, library: Library, out: TextIO) -> int:
    source = library.find_source(args.source)
    if source is None:
        raise CliError(
            f"no source {args.source!r}: give a file name or a number from `sourcebot sources`"
        )
    if args.json:
        _print_json(source_json(source), out)
    else:
        out.write(_terminal().render_source(source) + "\n")
    return 0


def _eval_extraction(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    from retrieval.evaluate import evaluate_extraction

    if args.engine:
        raise CliError("--engine applies to BEIR folders, not to extraction sets")
    report = evaluate_extraction(args.dataset, settings.retrieval, args.pages).as_json()
    if args.json:
        _print_json(report, out)
        return 0
    for form, scores in report.items():
        out.write(f"{form} ({scores['pages']} pages)\n")
        for key in ("precision", "recall", "f1", "median_f1", "titles_found", "titles_right"):
            out.write(f"{key:>20}  {scores[key]:.4f}\n")
        worst = ", ".join(f"{w['page'][:16]} {w['f1']:.2f}" for w in scores["worst"])
        out.write(f"{'worst':>20}  {worst}\n")
    return 0


def cmd_eval(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    from retrieval.evaluate import (
        evaluate_beir,
        evaluate_questions,
        evaluate_squad,
        is_extraction_set,
        load_squad,
    )

    dataset: Path = args.dataset
    if dataset.is_dir() and is_extraction_set(dataset):
        return _eval_extraction(args, settings, out)
    if args.pages:
        raise CliError("--pages applies to extraction sets (a folder with ground-truth.json)")
    is_squad = dataset.suffix.lower() == ".json" and dataset.is_file()
    if args.off_topic and not is_squad:
        raise CliError("--off-topic applies to SQuAD-format .json files")
    if dataset.is_dir():
        scores = evaluate_beir(dataset, settings.retrieval, engine=args.engine)
        result: dict[str, Any] = scores.as_json()
    elif is_squad:
        retrieval = settings.retrieval
        if args.engine:
            index = dataclasses.replace(retrieval.index, engine=cast(EngineName, args.engine))
            retrieval = dataclasses.replace(retrieval, index=index)
        squad = evaluate_squad(load_squad(dataset), retrieval, off_topic=args.off_topic)
        result = squad.as_json()
    elif dataset.suffix.lower() in (".yaml", ".yml") and dataset.is_file():
        if args.engine:
            raise CliError(
                "--engine applies to BEIR folders and SQuAD files; set index.engine in the config"
            )
        report = evaluate_questions(dataset, Library.load(settings.retrieval).answerer)
        result = report.as_json()
    else:
        raise CliError(
            f"{dataset}: not a BEIR folder, an extraction set, a .yaml question file or a "
            "SQuAD-format .json file; see README, `sourcebot eval`"
        )
    if args.json:
        _print_json(result, out)
    else:
        for key, value in result.items():
            out.write(
                f"{key:>20}  {value:.4f}\n" if isinstance(value, float) else f"{key:>20}  {value}\n"
            )
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
    shapes = ("documents", "articles") if args.shape == "both" else (args.shape,)
    out.write(
        f"benchmarking {args.passages:,} passages, {args.questions:,} questions, "
        f"shape {' and '.join(shapes)}...\n"
    )
    out.flush()
    rows = run_bench(args.passages, args.questions, args.seed, systems=systems, shapes=shapes)
    out.write(format_table(rows) + "\n")
    return 0


def cmd_feedback(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    from bot.feedback import FeedbackStore

    path = settings.privacy.feedback_file
    summary = FeedbackStore(path).summary(args.top)
    if args.json:
        _print_json(feedback_json(summary, path), out)
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
        setup_logging()  # before the load starts: its warnings are logged as the bot's
        # The index loads while Telegram's modules are imported and the server is met.
        loading = Library.loading(settings.retrieval, args.index_dir)
        from bot.runner import run_bot

        return run_bot(
            settings,
            load_library=loading,
            base_url=args.base_url,
            test_env=args.test_env,
            index_dir=args.index_dir,
            webhook_url=args.webhook_url,
        )
    library = Library.load(settings.retrieval, args.index_dir)
    if args.command == "ask":
        return cmd_ask(args, library, out)
    if args.command == "summary":
        return cmd_summary(args, library, out)
    if args.command == "sources":
        return cmd_sources(args, library, out)
    if args.command == "show":
        return cmd_show(args, library, out)
    from bot.chat import run_chat

    return run_chat(library, out)


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
