"""Domain errors whose message is meant for the user: what is wrong and what to do.

    SourcebotError            every error sourcebot reports as one line, not a traceback
    ├── SourceError           a source folder or file cannot be used
    ├── IndexLoadError        a saved index is missing, damaged or built with other settings
    └── DatasetError          an evaluation set (BEIR folder, question file) is malformed

The command line turns each into `sourcebot: error: <message>` and exit code 2 (bot/cli.py);
the bot into a reply. bot/ adds ConfigError, TokenError and CliError below SourcebotError.
"""


class SourcebotError(Exception):
    """Base of every error sourcebot reports to a user instead of a traceback."""


class SourceError(SourcebotError):
    """A source folder or file cannot be used."""


class IndexLoadError(SourcebotError):
    """A saved index is missing, damaged or does not match the configuration."""


class DatasetError(SourcebotError, ValueError):
    """An evaluation set that is missing, unreadable or malformed; the message says what to fix."""
