"""`sourcebot chat` as a REPL: commands are commands (never searched), `more` pages, summaries
take a source and a topic, follow-ups carry the last question, and it ends on quit, exit or
end of input, with the same words as the Telegram replies."""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from bot import wording as w
from bot.chat import line_editing, run_chat
from retrieval import Library


def chat(library: Library, *lines: str | BaseException) -> str:
    """Return what the chat writes for these lines of input (an exception is raised where
    it stands, as Ctrl-C would; the input ends after the last, as Ctrl-D would)."""
    fed: Iterator[str | BaseException] = iter(lines)

    def read(prompt: str) -> str:
        item = next(fed, None)
        if item is None:
            raise EOFError
        if isinstance(item, BaseException):
            raise item
        return item

    out = io.StringIO()
    assert run_chat(library, out, read, color=False) == 0
    return out.getvalue()


def test_quit_exit_and_end_of_input_leave_without_a_search(library: Library) -> None:
    for word in ("quit", "exit", "QUIT"):
        out = chat(library, word, "Was Crimea discussed?")
        assert "Crimea" not in out and "agenda" not in out.casefold()
    assert chat(library).startswith("sourcebot: 2 sources, 29 passages.")


def test_help_lists_the_chat_commands_once(library: Library) -> None:
    out = chat(library, "help", "quit")
    for command in ("help", "sources", "summary [N] [topic]", "more", "quit"):
        assert out.count(f"\n{command} — ") == 1
    assert "/" not in out.split("help lists")[1]  # commands without the slash here


def test_more_pages_the_last_question(library: Library) -> None:
    out = chat(library, "more", "Russia", "more", "more", "quit")
    assert w.CHAT_NOTHING_MORE in out
    assert out.count("[2] Roy, IDSA · ") >= 6  # two pages of three
    assert w.CHAT.more_hint is not None and w.CHAT.more_hint in out
    assert "--top-k" not in out


def test_summaries_sources_and_unknown_sources(library: Library) -> None:
    out = chat(library, "sources", "summary 2 sanctions", "summary 9", "summary", "quit")
    assert "[1] Dmitry Danilov, RIAC" in out
    assert "Summary: sanctions, in [2] Kerry’s Visit" in out
    assert w.no_source("9", 2, w.CHAT) in out  # the same words as Telegram's, minus the slash
    assert "Summary of all sources" in out


def test_a_follow_up_carries_the_last_question(library: Library) -> None:
    out = chat(library, "What did Kerry and Putin discuss in Sochi?", "and sanctions?", "quit")
    assert "Searched for: sanctions · with: Kerry, Putin, Sochi" in out
    # The full reference is given once in the session.
    assert out.count("Rajorshi") == 1 and out.count("Roy, IDSA") >= 2


def test_ctrl_c_drops_the_line_and_goes_on(library: Library) -> None:
    assert chat(library, KeyboardInterrupt(), "Was Crimea discussed?").count("Crimea") >= 1


def test_line_editing_comes_from_readline_when_python_has_it() -> None:
    try:
        import readline  # noqa: F401
    except ImportError:  # pragma: no cover - a Python built without readline
        assert line_editing() is False
    else:
        assert line_editing() is True


def test_the_chat_command_runs_as_a_process(repo_root: Path) -> None:
    config = str(repo_root / "config" / "bot.yaml")
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "chat", "--config", config],
        input="help\nWas Crimea discussed?\nquit\n",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert "The issue of Crimea was not brought up" in done.stdout
    assert "[1] Danilov, RIAC · ¶12" in done.stdout
