"""Domain errors whose message is meant for the user: what is wrong and what to do."""


class SourcebotError(Exception):
    """Base of every error sourcebot reports to a user instead of a traceback."""


class SourceError(SourcebotError):
    """A source folder or file cannot be used."""


class IndexLoadError(SourcebotError):
    """A saved index is missing, damaged or does not match the configuration."""
