"""What a citation says: short names, places, labels and full references."""

from __future__ import annotations

import pytest

from bot.citation import label, place, reference, short_name, short_publisher, surname
from retrieval import SourceMeta

ROY = SourceMeta(
    file="004.txt",
    title="Kerry’s Visit To Sochi: New Dynamics Of Russia-US Engagement – Analysis",
    author="Rajorshi Roy",
    publisher="Institute for Defence Studies and Analyses",
)
DANILOV = SourceMeta(
    file="000.txt",
    title="Dmitry Danilov, RIAC",
    author="Dmitry Danilov",
    publisher="RIAC",
    titled=False,
)


@pytest.mark.parametrize(
    ("author", "short"),
    [
        ("Rajorshi Roy", "Roy"),
        ("Roy", "Roy"),
        ("Anna Smith and Bo Jones", "Smith and Jones"),
        ("A. Smith, B. Jones, C. Lee", "Smith et al."),
        ("Дмитрий Данилов", "Данилов"),
    ],
)
def test_surnames(author: str, short: str) -> None:
    assert surname(author) == short


@pytest.mark.parametrize(
    ("publisher", "short"),
    [
        ("Institute for Defence Studies and Analyses", "IDSA"),
        ("RIAC", "RIAC"),
        ("The New York Times", "The New York Times"),  # short enough as it is
        ("Council on Foreign Relations", "CFR"),
        ("Russian International Affairs Council (RIAC)", "RIAC"),  # the acronym it gives
        ("a very long publisher name that is not capitalised", "a very long publisher…"),
    ],
)
def test_publishers(publisher: str, short: str) -> None:
    assert short_publisher(publisher) == short


def test_short_names_fall_back_to_the_title_then_the_file() -> None:
    assert short_name(ROY) == "Roy, IDSA"
    assert short_name(DANILOV) == "Danilov, RIAC"
    assert short_name(SourceMeta(file="f.txt", title="A Title")) == "A Title"
    assert short_name(SourceMeta(file="f.txt", title="", publisher="Reuters")) == "Reuters"
    assert short_name(SourceMeta(file="f.txt", title="")) == "f.txt"


def test_labels_and_places() -> None:
    assert place(12) == "¶12"
    assert place(2, "Core Differences") == "Core Differences · ¶2"
    assert place(31, None, 7) == "p. 7"  # a PDF is found by its page
    cite = label(ROY, 2, 2, "Core Differences")
    assert (cite.mark, cite.text) == ("[2]", "Roy, IDSA · Core Differences · ¶2")
    assert label(DANILOV, 1, 12).text == "Danilov, RIAC · ¶12"
    assert label(DANILOV, 1, 12, named=False).text == "¶12"
    assert label(DANILOV, 0, 12).mark == ""


def test_references_are_full() -> None:
    ref = reference(ROY, 2)
    assert ref.byline == "Rajorshi Roy, Institute for Defence Studies and Analyses"
    assert reference(DANILOV, 1).byline == ""  # its title is made of author and publisher
