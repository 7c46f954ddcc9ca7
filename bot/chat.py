"""`sourcebot chat` (`make chat`): the bot's conversation in a terminal, as a REPL.

Line editing and history come from the standard library's readline, when the Python build
has it (it does on Linux and macOS; without it input still works, unedited). The commands
are the bot's, without the slash: `help`, `sources`, `summary [N] [topic]`, `more` (the
next passages of the last question), `quit` or `exit` (or Ctrl-D); Ctrl-C drops the line
being typed. Anything else is a question, and follows up the last one as in Telegram
(Library.follow_up). Replies are drawn by the terminal renderer from the same Reply and the
same words (wording.py, reply.py) as Telegram's, wrapped to the terminal's width.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TextIO

from bot import wording as w
from bot.render_terminal import render_answer, render_help, render_sources, render_summary
from bot.reply import cited_sources
from retrieval import Answer, Library

PROMPT = "? "
QUIT = frozenset({"quit", "exit"})


def line_editing() -> bool:
    """Turn on readline's line editing and history for input(); say whether it is on."""
    try:
        importlib.import_module("readline")  # importing it is what makes input() use it
    except ImportError:  # a Python built without it (e.g. Windows): plain input
        return False
    return True


@dataclass
class ChatSession:
    """One terminal conversation: the last question (for `more` and follow-ups), the topic,
    and the sources already given in full."""

    library: Library
    out: TextIO
    color: bool = False
    width: int | None = None
    topic: tuple[str, ...] = ()
    last: tuple[str, tuple[str, ...], int] | None = None  # question, carried, shown so far
    referenced: set[str] = field(default_factory=set)

    def say(self, text: str) -> None:
        """Write one reply and a blank line."""
        self.out.write(text + "\n\n")
        self.out.flush()

    def handle(self, line: str) -> bool:
        """Answer one line; return False when the user leaves."""
        text = line.strip()
        word, _, rest = text.partition(" ")
        command = word.casefold()
        if not text:
            return True
        if command in QUIT and not rest:
            return False
        if command == "help" and not rest:
            self.say(render_help(w.CHAT, self.width))
        elif command == "sources" and not rest:
            self.say(render_sources(self.library.source_rows()))
        elif command == "summary":
            self.summary(rest.strip())
        elif command == "more" and not rest:
            self.more()
        else:
            self.ask(text)
        return True

    def ask(self, question: str) -> None:
        """Answer a question, carrying the last one's topic when it is a follow-up."""
        library = self.library
        carried = library.follow_up(question, self.topic)
        answer = library.answer(question, context=carried)
        self._show(answer)
        if answer.found and not answer.context:
            self.topic = answer.words
        self.last = (question, answer.context, len(answer.hits))

    def more(self) -> None:
        """Show the next passages of the last question."""
        if self.last is None:
            self.say(w.CHAT_NOTHING_MORE)
            return
        question, carried, shown = self.last
        answer = self.library.answer(question, offset=shown, context=carried)
        self._show(answer)
        self.last = (question, carried, shown + len(answer.hits))

    def summary(self, arg: str) -> None:
        """Summarise as /summary does: all sources, one, a topic, or a topic within one."""
        library = self.library
        request = library.resolve_summary(arg)
        if request.problem == "no-source":
            self.say(w.no_source(arg.split(maxsplit=1)[0], len(library.sources), w.CHAT))
        elif request.problem is not None:
            self.say(w.summary_usage(w.CHAT))
        else:
            summary = library.summarize(source=request.source, topic=request.topic)
            referenced = frozenset(self.referenced)
            self.say(render_summary(summary, self.color, w.CHAT, referenced, self.width))
            self.referenced.update(s.source for s in summary.sentences)

    def _show(self, answer: Answer) -> None:
        referenced = frozenset(self.referenced)
        self.say(render_answer(answer, self.color, w.CHAT, referenced, self.width))
        self.referenced.update(cited_sources(answer))


def run_chat(
    library: Library,
    out: TextIO,
    read: Callable[[str], str] = input,
    color: bool | None = None,
) -> int:
    """Run the REPL until quit, exit or end of input; return the exit code."""
    prompt = PROMPT
    if read is input:
        line_editing()
        if not sys.stdin.isatty():
            prompt = ""  # input piped in: a prompt would only run into the replies
    session = ChatSession(library, out, out.isatty() if color is None else color)
    out.write(
        w.CHAT_BANNER.format(sources=len(library.sources), passages=library.passage_total) + "\n\n"
    )
    out.flush()
    while True:
        try:
            line = read(prompt)
        except EOFError:
            out.write("\n")
            return 0
        except KeyboardInterrupt:  # Ctrl-C drops the line, as in a shell
            out.write("\n")
            continue
        if not session.handle(line):
            return 0
