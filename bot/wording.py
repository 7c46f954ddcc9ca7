"""What the bot says, decided once: every sentence a user reads, in Telegram and in the
terminal, and the commands with their one-line descriptions (for /help, the command menu
and `sourcebot chat`'s help).

Each text is written here in English, marked `N_` (or `NP_`: singular and plural), and is
the msgid of its translations: the catalogs in bot/locales/ (bot/catalogs.py). A text is
said through a `Words`, the user's language (ENGLISH by default), which translates it and
fills in its {fields}; the functions below take one. Quotes, titles and the sources'
metadata are never translated.

The two surfaces differ only in how a command is written ("/sources" in Telegram,
"sources" in the chat) and in how one sees more passages (a button, `more`, `--top-k`);
`Surface` says which. The layout of answers and summaries is reply.py's; the renderers
(render_html.py, render_terminal.py) only draw. Kept in one module so that translating the
bot means translating this file's texts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.catalogs import ENGLISH, Words


def N_(text: str) -> str:  # noqa: N802 (gettext's name for the marker)
    """Mark a text for translation (Babel extracts it); return it unchanged."""
    return text


def NP_(singular: str, plural: str) -> tuple[str, str]:  # noqa: N802
    """Mark a text with a plural for translation; return (singular, plural)."""
    return singular, plural


@dataclass(frozen=True)
class Surface:
    """Where a reply is read: how commands are written, and how to see more passages."""

    prefix: str  # "/" in Telegram, "" in the chat
    more_hint: str | None = None  # said under an answer that has more passages, if anything

    def command(self, name: str) -> str:
        """Return a command as a user types it here ("/sources" or "sources")."""
        return f"{self.prefix}{name}"


TELEGRAM = Surface("/")
CHAT = Surface("", N_("More passages match: type more."))
COMMAND_LINE = Surface("sourcebot ", N_("More passages match: ask again with --top-k N."))


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
    Command("start", "", N_("what I know and how to ask"), chat=False, menu=True),
    Command("help", "", N_("this list"), menu=True),
    Command("sources", "", N_("the sources, numbered"), menu=True),
    Command(
        "summary",
        N_("[N] [topic]"),
        N_("summary of all sources, of source N, or of a topic (within source N)"),
        menu=True,
    ),
    Command(
        "ask",
        N_("<question>"),
        N_("ask in a group (in private, just send it)"),
        chat=False,
        menu=True,
    ),
    Command("more", "", N_("the next passages for the last question"), telegram=False),
    Command("quit", "", N_("leave (or exit, or Ctrl-D)"), telegram=False),
    Command("reload", "", N_("re-read the sources without a restart (admins only)"), chat=False),
    Command("stats", "", N_("questions answered, answer times, sources (admins only)"), chat=False),
    Command("remove", "N", N_("remove source N and its file (admins only)"), chat=False),
)

HELP_TITLE = N_("Commands")
HELP_TELEGRAM = N_(
    "In a private chat every message is a question. To follow up, reply to an answer (or "
    "quote part of it), or start with “and …”. In groups, mention me or reply to me. "
    "Inline: type my @username and a question in any chat."
)
HELP_CHAT = N_(
    "Anything else is a question. A short one that starts with “and …” or says “they” "
    "follows up the last one."
)


def help_lines(surface: Surface, words: Words = ENGLISH) -> list[tuple[str, str]]:
    """Return (command as typed, with its arguments; what it does) for every command here."""
    here = [c for c in COMMANDS if (c.telegram if surface is TELEGRAM else c.chat)]
    lines = []
    for c in here:
        args = words(c.args) if c.args else ""  # gettext("") would be the catalog's header
        lines.append((" ".join(filter(None, (surface.command(c.name), args))), words(c.what)))
    return lines


def help_note(surface: Surface, words: Words = ENGLISH) -> str:
    """Return the lines under the command list."""
    return words(HELP_TELEGRAM if surface is TELEGRAM else HELP_CHAT)


def menu(words: Words = ENGLISH) -> list[tuple[str, str]]:
    """Return Telegram's command menu: (command, description), the /help lines capitalised."""
    described = ((c.name, words(c.what)) for c in COMMANDS if c.menu)
    return [(name, what[:1].upper() + what[1:]) for name, what in described]


def more_hint(surface: Surface, words: Words = ENGLISH) -> str | None:
    """Return what is said under an answer with more passages here, if anything."""
    return words(surface.more_hint) if surface.more_hint else None


# --- answers -----------------------------------------------------------------------------

SEARCHED_FOR = N_("Searched for: ")
WITH = N_(" · with: ")  # the words a follow-up carried, after its own
MORE_FROM = N_("More from ")
NO_MORE = N_("No more passages match this question.")
NO_MORE_FROM = N_("No more passages from {source} answer this question.")
NOT_FOUND = N_(
    "I found nothing in the sources that answers this. "
    "Try other words, or see {sources} for what they cover."
)
SOURCES_IN = NP_(
    "The sources are in {languages}: questions are matched in the sources' language only.",
    "The sources are in {languages}: questions are matched in the sources' languages only.",
)


def not_found(surface: Surface, words: Words = ENGLISH) -> str:
    """Return what an answer says when the sources do not answer the question."""
    return words(NOT_FOUND, sources=surface.command("sources"))


def sources_in(languages: Sequence[str], words: Words = ENGLISH) -> str:
    """Return the hint under a "not found" to a question in a language none of the sources
    is in: which languages they are in (ISO 639-1 codes, named in the user's language)."""
    return words.count(SOURCES_IN, len(languages), languages=words.languages(languages))


NO_TERMS = N_(
    "Your message has no words I can search for. Ask about a person, place or topic, e.g. "
)
NO_TERMS_EXAMPLE = N_("What was said about sanctions?")

# --- summaries ---------------------------------------------------------------------------

SUMMARY_ALL = N_("Summary of all sources")
SUMMARY_OF = N_("Summary of ")
SUMMARY_TOPIC = N_("Summary: ")
SUMMARY_WITHIN = N_(", in ")
NOTHING_ABOUT = N_("I found nothing in the sources about {topic}. See {sources}.")
NOTHING_AT_ALL = N_("I found nothing in the sources to summarise. See {sources}.")
FILE_TYPES = N_("{some} or {last}")
SUMMARY_USAGE = N_(
    "Usage: {summary}, {summary} N (a number from {sources}), {summary} <topic>, "
    "{summary} N <topic>"
)
NO_SOURCE = N_("There is no source {ref}: {sources} lists {count}.")


def _around(text: str, field: str, value: str, words: Words, **fields: str) -> tuple[str, ...]:
    """Return a text translated as (before `field`, its value, after it): the value is drawn
    apart (in bold), wherever the language puts it."""
    said = words(text, **{field: "{" + field + "}"}, **fields)
    before, _, after = said.partition("{" + field + "}")
    return before, value, after


def nothing_to_summarise(
    topic: str | None, surface: Surface, words: Words = ENGLISH
) -> tuple[str, ...]:
    """Return a summary's "nothing found" as (before the topic, the topic, after it)."""
    sources = surface.command("sources")
    if topic:
        return _around(NOTHING_ABOUT, "topic", topic, words, sources=sources)
    return _around(NOTHING_AT_ALL, "sources", sources, words)


def file_types(extensions: tuple[str, ...], words: Words = ENGLISH) -> str:
    """Return the file types a user may send, as words: ".txt, .md or .pdf"."""
    names = sorted(extensions)
    if len(names) == 1:
        return names[0]
    return words(FILE_TYPES, some=", ".join(names[:-1]), last=names[-1])


def summary_usage(surface: Surface, words: Words = ENGLISH) -> str:
    """Return how /summary is used."""
    s, sources = surface.command("summary"), surface.command("sources")
    return words(SUMMARY_USAGE, summary=s, sources=sources)


def no_source(ref: str, count: int, surface: Surface, words: Words = ENGLISH) -> str:
    """Return the answer to a summary of a source number that does not exist."""
    there = words(NO_SOURCE, ref=ref, sources=surface.command("sources"), count=count)
    return f"{there} {summary_usage(surface, words)}"


# --- the rest of the conversation --------------------------------------------------------

START_OPENING = NP_(
    "I answer questions about {count} source by quoting it:",
    "I answer questions about {count} sources by quoting them:",
)
START_HOW = N_(
    "Send me a question and I reply with the passages that answer it, each cited by "
    "source and place. Every quote is verbatim."
)


def start_lines(count: int, words: Words = ENGLISH) -> tuple[str, str]:
    """Return /start's opening (before the list of sources) and its way of asking."""
    return words.count(START_OPENING, count), words(START_HOW)


START_EXAMPLE = N_("For example: ")
START_HELP = N_("/help lists the commands.")
START_MORE = N_("… and {more} more (/sources)")
SOURCES_COUNT = NP_("{count} source", "{count} sources")
SOURCES_DETAIL = N_("{file} · {paragraphs} ¶ · {passages} passages")
SOURCES_MORE = N_("… and more: {count} in all.")
SOURCE_UNNAMED = N_("Source {number}")
CONTEXT_OF = "¶{number}"  # no words: not translated
ASK_USAGE = N_("Usage: /ask <question>, e.g. /ask What was said about sanctions?")
NOT_TEXT = N_(
    "I can only read text. Send me a question as a message, or see /help for what I can do."
)
UNKNOWN_COMMAND = N_("I don't know {command}. /help lists what I can do.")
STALE = N_("That button is from an earlier session. Please ask the question again.")
PASSAGE_GONE = N_("That passage is no longer in the sources.")
SOURCE_GONE = N_("That source is no longer loaded: see /sources.")
VOTE_UP = N_("Thanks: noted.")
VOTE_DOWN = N_("Thanks: noted, I will do better.")
INLINE_NOTHING = N_("Nothing found: open the bot")

# The gate (handlers/access.py): a sender over the per-sender limit
SLOW_DOWN = N_("You are asking faster than I can answer everyone: please wait a minute.")
SLOW_DOWN_INLINE = N_("Too many queries: wait a minute")
SLOW_DOWN_BUTTON = N_("Too many presses: wait a minute.")

# Admins, failures and /stats
ADMINS_ONLY = N_("Only the bot's admins can use /{command} (access.admins).")
RELOADING = N_("Reloading the sources; I keep answering meanwhile.")
RELOAD_FAILED = N_("Reload failed, still using the old sources: {error}")
RELOADED = N_("Reloaded: {sources} sources, {passages} passages.")
NOT_READY = N_("I am still loading the sources. Please try again in a few seconds.")
FAILED = N_("Sorry, something went wrong while answering. Please try again.")
BUSY = N_("I am too busy to answer just now. Please try again in a minute.")
VOTE_FAILED = N_("Sorry, I could not note your vote just now: please try again later.")
STATS_TITLE = N_("Since the bot started")
STATS_QUESTIONS = N_("Questions answered: {count}")
STATS_NOT_FOUND = N_("Found nothing: {count} ({rate:.0%})")
STATS_NOT_KEPT = N_("Unanswered questions are not kept (privacy.log_questions: false).")
STATS_UNANSWERED = N_("Most frequent unanswered questions")
STATS_LATENCY = N_("Answer time, 95th percentile: {ms:.0f} ms (last {count} questions)")
STATS_SOURCES = N_("Sources: {sources}; index: {passages} passages, {terms} terms")
STATS_ON_DISK = N_("Saved index on disk: {mb:.1f} MB")

# Adding sources by sending a file, and removing them (uploaders and admins)
UPLOAD_REFUSED = N_(
    "Only the bot's uploaders can add sources by sending files. Send me a question instead."
)
UPLOAD_WRONG_TYPE = N_("I can add {types} files as sources; {name} is not one of those.")
UPLOAD_TOO_BIG = N_("{name} is {mb:.1f} MB; sources I accept are at most {limit} MB.")
UPLOAD_EXISTS = N_(
    "There is already a source file named {name}. To replace it, send the file again with "
    "the caption “replace”; to add it beside, rename the file first."
)
UPLOAD_UNREADABLE = N_("I could not read any text from {name}, so I added nothing: {detail}")
UPLOAD_FAILED = N_("Adding {name} failed, so the sources are as they were. Please try again.")
UPLOAD_DOWNLOAD_FAILED = N_("I could not download {name} from Telegram; nothing was added.")
UPLOAD_ADDED = N_("Added {name}:")
UPLOAD_REPLACED = N_("Replaced {name}:")
UPLOAD_SOURCE = N_("{number}. {label}{author} · {paragraphs} paragraphs")
UPLOAD_BY = N_(", by {author}")
UPLOAD_MORE_SOURCES = N_("… and {more} more sources from this file.")
UPLOAD_TRY = N_("Try asking: {example}")
REMOVE_USAGE = N_("Usage: /remove N, where N is a number from /sources.")
REMOVE_NO_SOURCE = N_("There is no source {ref}: /sources lists {count}.")
REMOVE_ASK = N_(
    "Remove source {number}, {label} ({file})? This deletes the file from the sources folder."
)
REMOVE_ASK_SEVERAL = N_("The file holds {count} sources: all of them go.")
REMOVE_BUTTON = N_("Remove {file}")
REMOVE_CHANGED = N_("The sources changed since: send /remove again.")
REMOVE_DONE = N_("Removed {file}: {sources} sources, {passages} passages left.")
REMOVE_FAILED = N_("Removing {file} failed, so it stays: {error}")
REMOVE_NOT_ADMIN = N_("Only the bot's admins can remove sources.")

# Buttons
CONTEXT_BUTTON = N_("Context {label}")
MORE_BUTTON = N_("More ▶")
BACK_BUTTON = N_("◀ Back")
MORE_FROM_BUTTON = N_("More from [{number}]")
EXAMPLE_BUTTON = N_("Try: {example}")
SUMMARY_BUTTON = N_("Summary of {number}")

# The terminal chat
CHAT_BANNER = N_(
    "sourcebot: {sources} sources, {passages} passages. Ask a question; "
    "help lists the commands, quit leaves."
)
CHAT_NOTHING_MORE = N_("Ask a question first; more shows its next passages.")
