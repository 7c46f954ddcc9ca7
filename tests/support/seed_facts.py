"""Facts about the two seed articles that several test modules check against."""

SEED_000 = "000_db2147d2a0a50ea2.txt"
SEED_004 = "004_d7ba4bda41c5698a.txt"

# Page furniture of the seeds: none of it may reach a paragraph or a summary.
FURNITURE = (
    "Rate this article",
    "votes",
    "Share this article",
    "Poll",
    "For business",
    "For students",
    "spiegel.de",
    "Reuters",
    "Leave a Reply",
    "email address",
    "Views expressed",
    "Maria Gurova, Editor",
    "Originally published",
)
