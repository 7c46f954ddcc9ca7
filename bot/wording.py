"""What the bot says, decided once: every sentence a user reads, in Telegram and in the
terminal, and the commands with their one-line descriptions (for /help, the command menu
and `sourcebot chat`'s help).

The two surfaces differ only in how a command is written ("/sources" in Telegram,
"sources" in the chat) and in how one sees more passages (a button, `more`, `--top-k`);
`Surface` says which. The layout of answers and summaries is reply.py's; the renderers
(render_html.py, render_terminal.py) only draw. Kept in one module so that translating the
bot means translating this file.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Surface:
    """Where a reply is read: how commands are written, and how to see more passages."""

    prefix: str  # "/" in Telegram, "" in the chat
    more_hint: str | None = None  # said under an answer that has more passages, if anything

    def command(self, name: str) -> str:
        """Return a command as a user types it here ("/sources" or "sources")."""
        return f"{self.prefix}{name}"


TELEGRAM = Surface("/")
CHAT = Surface("", "More passages match: type more.")
COMMAND_LINE = Surface("sourcebot ", "More passages match: ask again with --top-k N.")


@dataclass(frozen=True)
class Command:
    """A command: its name, its arguments, what it does (one line), and where it exists."""

    name: str
    args: str
    what: str
    telegram: bool = True
    chat: bool = True
    menu: bool = False  # in Telegram's command menu (setMyCommands)


COMMANDS: tuple[Command, ...] = (
    Command("start", "", "what I know and how to ask", chat=False, menu=True),
    Command("help", "", "this list", menu=True),
    Command("sources", "", "the sources, numbered", menu=True),
    Command(
        "summary",
        "[N] [topic]",
        "summary of all sources, of source N, or of a topic (within source N)",
        menu=True,
    ),
    Command(
        "ask", "<question>", "ask in a group (in private, just send it)", chat=False, menu=True
    ),
    Command("more", "", "the next passages for the last question", telegram=False),
    Command("quit", "", "leave (or exit, or Ctrl-D)", telegram=False),
    Command("reload", "", "re-read the sources without a restart (admins only)", chat=False),
    Command("stats", "", "questions answered, answer times, sources (admins only)", chat=False),
    Command("remove", "N", "remove source N and its file (admins only)", chat=False),
)

HELP_TITLE = "Commands"
HELP_TELEGRAM = (
    "In a private chat every message is a question. To follow up, reply to an answer (or "
    "quote part of it), or start with “and …”. In groups, mention me or reply to me. "
    "Inline: type my @username and a question in any chat."
)
HELP_CHAT = (
    "Anything else is a question. A short one that starts with “and …” or says “they” "
    "follows up the last one."
)


def help_lines(surface: Surface) -> list[tuple[str, str]]:
    """Return (command as typed, with its arguments; what it does) for every command here."""
    here = [c for c in COMMANDS if (c.telegram if surface is TELEGRAM else c.chat)]
    return [(" ".join(filter(None, (surface.command(c.name), c.args))), c.what) for c in here]


def help_note(surface: Surface) -> str:
    """Return the lines under the command list."""
    return HELP_TELEGRAM if surface is TELEGRAM else HELP_CHAT


def menu() -> list[tuple[str, str]]:
    """Return Telegram's command menu: (command, description), the /help lines capitalised."""
    return [(c.name, c.what[:1].upper() + c.what[1:]) for c in COMMANDS if c.menu]


# --- answers -----------------------------------------------------------------------------

SEARCHED_FOR = "Searched for: "
WITH = " · with: "  # the words a follow-up carried, after its own
MORE_FROM = "More from "
NO_MORE = "No more passages match this question."
NO_MORE_FROM = "No more passages from {source} answer this question."


def not_found(surface: Surface) -> str:
    """Return what an answer says when the sources do not answer the question."""
    return (
        "I found nothing in the sources that answers this. "
        f"Try other words, or see {surface.command('sources')} for what they cover."
    )


NO_TERMS = "Your message has no words I can search for. Ask about a person, place or topic, e.g. "
NO_TERMS_EXAMPLE = "What was said about sanctions?"

# --- summaries ---------------------------------------------------------------------------

SUMMARY_ALL = "Summary of all sources"
SUMMARY_OF = "Summary of "
SUMMARY_TOPIC = "Summary: "
SUMMARY_WITHIN = ", in "


def nothing_to_summarise(topic: str | None, surface: Surface) -> tuple[str, str, str]:
    """Return a summary's "nothing found" as (before the topic, the topic, after it)."""
    if topic:
        return (
            "I found nothing in the sources about ",
            topic,
            f". See {surface.command('sources')}.",
        )
    return ("I found nothing in the sources to summarise. See ", surface.command("sources"), ".")


def file_types(extensions: tuple[str, ...]) -> str:
    """Return the file types a user may send, as words: ".txt, .md or .pdf"."""
    names = sorted(extensions)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def summary_usage(surface: Surface) -> str:
    """Return how /summary is used."""
    s, sources = surface.command("summary"), surface.command("sources")
    return f"Usage: {s}, {s} N (a number from {sources}), {s} <topic>, {s} N <topic>"


def no_source(ref: str, count: int, surface: Surface) -> str:
    """Return the answer to a summary of a source number that does not exist."""
    return (
        f"There is no source {ref}: {surface.command('sources')} lists {count}. "
        + summary_usage(surface)
    )


# --- the rest of the conversation --------------------------------------------------------


def start_lines(count: int) -> tuple[str, str]:
    """Return /start's opening (before the list of sources) and its way of asking."""
    return (
        f"I answer questions about {count} sources by quoting them:",
        "Send me a question and I reply with the passages that answer it, each cited by "
        "source and place. Every quote is verbatim.",
    )


START_EXAMPLE = "For example: "
START_HELP = "/help lists the commands."
START_MORE = "… and {more} more (/sources)"
SOURCES_COUNT = "{count} sources"
SOURCES_DETAIL = "{file} · {paragraphs} ¶ · {passages} passages"
SOURCES_MORE = "… and more: {count} in all."
CONTEXT_OF = "¶{number}"
ASK_USAGE = "Usage: /ask <question>, e.g. /ask What was said about sanctions?"
NOT_TEXT = "I can only read text. Send me a question as a message, or see /help for what I can do."
UNKNOWN_COMMAND = "I don't know {command}. /help lists what I can do."
STALE = "That button is from an earlier session. Please ask the question again."
PASSAGE_GONE = "That passage is no longer in the sources."
SOURCE_GONE = "That source is no longer loaded: see /sources."
VOTE_UP = "Thanks: noted."
VOTE_DOWN = "Thanks: noted, I will do better."
INLINE_NOTHING = "Nothing found: open the bot"

# Admins, failures and /stats
ADMINS_ONLY = "Only the bot's admins can use /{command} (access.admins)."
RELOADING = "Reloading the sources; I keep answering meanwhile."
RELOAD_FAILED = "Reload failed, still using the old sources: {error}"
RELOADED = "Reloaded: {sources} sources, {passages} passages."
NOT_READY = "I am still loading the sources. Please try again in a few seconds."
FAILED = "Sorry, something went wrong while answering. Please try again."
BUSY = "I am too busy to answer just now. Please try again in a minute."
VOTE_FAILED = "Sorry, I could not note your vote just now: please try again later."
STATS_TITLE = "Since the bot started"
STATS_QUESTIONS = "Questions answered: {count}"
STATS_NOT_FOUND = "Found nothing: {count} ({rate:.0%})"
STATS_NOT_KEPT = "Unanswered questions are not kept (privacy.log_questions: false)."
STATS_UNANSWERED = "Most frequent unanswered questions"
STATS_LATENCY = "Answer time, 95th percentile: {ms:.0f} ms (last {count} questions)"
STATS_SOURCES = "Sources: {sources}; index: {passages} passages, {terms} terms"
STATS_ON_DISK = "Saved index on disk: {mb:.1f} MB"

# Adding sources by sending a file, and removing them (uploaders and admins)
UPLOAD_REFUSED = (
    "Only the bot's uploaders can add sources by sending files. Send me a question instead."
)
UPLOAD_WRONG_TYPE = "I can add {types} files as sources; {name} is not one of those."
UPLOAD_TOO_BIG = "{name} is {mb:.1f} MB; sources I accept are at most {limit} MB."
UPLOAD_EXISTS = (
    "There is already a source file named {name}. To replace it, send the file again with "
    "the caption “replace”; to add it beside, rename the file first."
)
UPLOAD_UNREADABLE = "I could not read any text from {name}, so I added nothing: {detail}"
UPLOAD_FAILED = "Adding {name} failed, so the sources are as they were. Please try again."
UPLOAD_DOWNLOAD_FAILED = "I could not download {name} from Telegram; nothing was added."
UPLOAD_ADDED = "Added {name}:"
UPLOAD_REPLACED = "Replaced {name}:"
UPLOAD_SOURCE = "{number}. {label}{author} · {paragraphs} paragraphs"
UPLOAD_BY = ", by {author}"
UPLOAD_MORE_SOURCES = "… and {more} more sources from this file."
UPLOAD_TRY = "Try asking: {example}"
REMOVE_USAGE = "Usage: /remove N, where N is a number from /sources."
REMOVE_NO_SOURCE = "There is no source {ref}: /sources lists {count}."
REMOVE_ASK = (
    "Remove source {number}, {label} ({file})? This deletes the file from the sources folder."
)
REMOVE_ASK_SEVERAL = "The file holds {count} sources: all of them go."
REMOVE_BUTTON = "Remove {file}"
REMOVE_CHANGED = "The sources changed since: send /remove again."
REMOVE_DONE = "Removed {file}: {sources} sources, {passages} passages left."
REMOVE_FAILED = "Removing {file} failed, so it stays: {error}"
REMOVE_NOT_ADMIN = "Only the bot's admins can remove sources."

# Buttons
CONTEXT_BUTTON = "Context {label}"
MORE_BUTTON = "More ▶"
BACK_BUTTON = "◀ Back"
MORE_FROM_BUTTON = "More from [{number}]"
EXAMPLE_BUTTON = "Try: {example}"
SUMMARY_BUTTON = "Summary of {number}"

# The terminal chat
CHAT_BANNER = (
    "sourcebot: {sources} sources, {passages} passages. Ask a question; "
    "help lists the commands, quit leaves."
)
CHAT_NOTHING_MORE = "Ask a question first; more shows its next passages."
