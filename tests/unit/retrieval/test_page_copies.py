"""Tests for cleaning page copies: the line model, titles, bylines, dates, headings, labels.

A "page copy" is what a user gets from select-all in a browser: the article among menus,
share bars, related links and footers, one item a line. The pages here are written by the
tests, shaped like the copies in shared/data/web-dev (w3m's bullets, form fields, image
placeholders), in English and in other languages.
"""

from __future__ import annotations

import pytest

from retrieval.ingest.boilerplate import article_mask, keep_mask
from retrieval.ingest.cleaning import clean_document, text_blocks
from retrieval.ingest.folders import MIN_FILES, repeated_lines
from retrieval.ingest.metadata import (
    byline_author,
    date_in,
    is_date_line,
    is_name,
    label,
    name_or_none,
    reads_as_heading,
)
from retrieval.ingest.page_lines import MIN_LINES, PageLine, join_wrapped, page_lines
from retrieval.settings import CleaningRules

RULES = CleaningRules()

MENU = [f"  • {item}" for item in ("Home", "News", "Sport", "Weather", "Business", "Culture")]
ARTICLE = [
    "The harbour authority approved a new sea wall on Tuesday after two winters of floods "
    "that left the lower town under water for weeks.",
    "Work will begin in the spring and should take three years, the authority said in a "
    "statement, adding that the old wall would stay in place until the new one is finished.",
    "Residents welcomed the decision.",
    "Fishermen, who had asked for a wider gap in the wall for their boats, said they were "
    "still waiting to see the final plans before they would support the project.",
    "The cost, about forty million pounds, will be shared between the town and the national "
    "government, which has promised to pay two thirds of it.",
]
FOOTER = [
    "Related Stories",
    "  • Storm closes the coast road again",
    "  • Ferry service cut for the winter",
    "  • Council votes on parking fees",
    "© 2019 Harbour News. All rights reserved.",
    "  • Privacy Policy",
    "  • Terms of Use",
    "  • Contact Us",
]


def page(*parts: list[str]) -> str:
    """Return a page copy: each part a block of lines, blocks apart by blank lines."""
    return "\n\n".join("\n".join(part) for part in parts) + "\n"


HARBOUR = page(
    ["Skip to content", *MENU],
    ["[                    ][Search]"],
    ["Local News"],
    ["Sea wall approved after years of floods"],
    ["By Jane Marlow", "November 18, 2019 at 9:24 pm ET"],
    ["[harbour-wall-1024x576.jpg]", "Share this article"],
    *[[text] for text in ARTICLE],
    FOOTER,
)


def kept(text: str) -> list[str]:
    return [t for _, t in clean_document(text, RULES).paragraphs]


# --- Lines -------------------------------------------------------------------------------


def test_a_menu_block_is_split_into_its_items() -> None:
    lines = page_lines(text_blocks(page(["Home", "News", "Sport"] * 5)))
    assert [line.text for line in lines[:3]] == ["Home", "News", "Sport"]
    assert len(lines) == 15


def test_bullets_become_list_items_and_placeholders_go() -> None:
    blocks = text_blocks(page(MENU + ["  •", "    Nested item", "[photo-12.jpg]Caption text"] * 2))
    lines = page_lines(blocks)
    assert lines[0] == PageLine("Home", True, 0, "•")
    assert PageLine("Nested item", True, 0, "•") in lines
    assert "Caption text" in [line.text for line in lines]
    assert all("[" not in line.text for line in lines)


def test_a_hard_wrapped_paragraph_is_one_line() -> None:
    wrapped = [
        "The harbour authority approved a new sea wall",
        "on Tuesday after two winters of floods that",
        "left the lower town under water for weeks.",
    ]
    lines = page_lines(text_blocks(page(wrapped, *[["Home", "News"]] * 6)))
    assert lines[0].text == " ".join(wrapped)
    assert lines[0].joined


def test_numbered_items_keep_their_numbers() -> None:
    lines = page_lines(text_blocks(page(["1. First step here", "2. Second step here"] * 7)))
    assert [line.shown for line in lines[:2]] == ["1. First step here", "2. Second step here"]


def test_a_short_note_keeps_its_blocks_as_written() -> None:
    note = "Home\nNews\n\nKerry met Lavrov in Sochi.\n"
    assert len(note.splitlines()) < MIN_LINES
    assert [line.text for line in page_lines(text_blocks(note))] == [
        "Home News",
        "Kerry met Lavrov in Sochi.",
    ]


def test_hyphenated_compounds_and_soft_hyphens_join_without_a_space() -> None:
    assert join_wrapped(["from Soekarno-", "Hatta airport"]) == "from Soekarno-Hatta airport"
    assert join_wrapped(["a con\u00ad", "trolled way"]) == "a controlled way"
    assert join_wrapped(["Home -", "News"]) == "Home - News"


# --- The line model ------------------------------------------------------------------------


def test_the_article_is_kept_and_the_furniture_dropped() -> None:
    paragraphs = kept(HARBOUR)
    assert paragraphs == ARTICLE  # the short "Residents welcomed the decision." included
    for furniture in ("Home", "Skip to content", "Storm closes", "©", "Privacy", "Search"):
        assert not any(furniture in p for p in paragraphs), furniture


def test_the_article_is_found_in_other_languages() -> None:
    article = [
        "Die Hafenbehörde hat am Dienstag eine neue Mauer genehmigt, nachdem zwei Winter mit "
        "Hochwasser die Unterstadt wochenlang unter Wasser gesetzt hatten.",
        "Die Arbeiten sollen im Frühjahr beginnen und drei Jahre dauern, teilte die Behörde "
        "mit, und die alte Mauer bleibe stehen, bis die neue fertig sei.",
        "Die Anwohner begrüßten die Entscheidung.",
        "Die Fischer, die eine breitere Lücke für ihre Boote gefordert hatten, wollen zuerst "
        "die endgültigen Pläne sehen, bevor sie das Vorhaben unterstützen.",
        "Die Kosten von etwa vierzig Millionen Euro teilen sich die Stadt und das Land, das "
        "zwei Drittel davon zu zahlen versprochen hat.",
    ]
    footer = [
        "Weitere Artikel",
        "  • Sturm sperrt wieder die Küstenstraße",
        "  • Fähre fährt im Winter seltener",
        "  • Stadtrat stimmt über Parkgebühren ab",
        "© 2019 Hafenzeitung. Alle Rechte vorbehalten.",
        "  • Datenschutz",
        "  • Impressum",
        "  • Kontakt",
    ]
    menu = [f"  • {item}" for item in ("Startseite", "Politik", "Sport", "Wetter", "Kultur")]
    text = page(
        ["Zum Inhalt springen", *menu],
        ["Neue Mauer für den Hafen"],
        *[[t] for t in article],
        footer,
    )
    assert kept(text) == article


def test_a_page_without_prose_keeps_what_reads_most_like_an_article() -> None:
    # A calendar page: no line is a sentence; the model still keeps something, never nothing.
    days = [f"Stage {n}: {n} March – Interlagos circuit, São Paulo" for n in range(1, 13)]
    text = page(["Home", "Calendar", "Results", "Drivers"], days, FOOTER)
    assert kept(text)


def test_keep_mask_widens_the_article_over_lines_it_does_not_reject() -> None:
    import numpy as np

    stretch = np.array([-5.0, 2.0, 2.0, -0.5, -5.0, -5.0])
    line = np.array([-5.0, 2.0, 2.0, 1.0, 1.0, -5.0])
    # Widened over the -0.5 (not rejected); the line model keeps only lines of the stretch.
    assert keep_mask(stretch, line, [10.0] * 6) == [False, True, True, True, False, False]


def test_keep_mask_drops_lines_of_the_stretch_the_line_model_rejects() -> None:
    import numpy as np

    stretch = np.array([-5.0, 2.0, -0.5, 2.0, -5.0])
    line = np.array([1.0, 2.0, -3.0, 2.0, 1.0])  # a caption in the middle of the article
    assert keep_mask(stretch, line, [10.0] * 5) == [False, True, False, True, False]


def test_keep_mask_keeps_a_line_between_kept_ones_that_the_stretch_model_takes() -> None:
    import numpy as np

    stretch = np.array([-5.0, 2.0, 0.5, 2.0, 2.0, -5.0])
    line = np.array([1.0, 2.0, -3.0, 2.0, -3.0, 1.0])  # a one-line paragraph; a last caption
    assert keep_mask(stretch, line, [10.0] * 6) == [False, True, True, True, False, False]


def test_a_document_of_long_sentences_skips_the_model() -> None:
    sentence = "The harbour authority approved a new sea wall after two winters of floods."
    lines = [PageLine(f"{sentence} {n}.", False, n) for n in range(MIN_LINES + 3)]
    assert article_mask(lines) == [True] * len(lines)


# --- Lines repeated across a folder --------------------------------------------------------


def test_lines_in_several_files_of_a_folder_are_furniture() -> None:
    pages = [
        page(["Back to Gallery"], ["Weekly Digest"], [f"Story {'one two three'[n]} is told."])
        for n in range(MIN_FILES)
    ]
    repeats = repeated_lines(pages)
    assert {"back to gallery", "weekly digest"} <= repeats
    assert not any("story" in key for key in repeats)
    assert repeated_lines(pages[: MIN_FILES - 1]) == frozenset()


def test_a_line_shared_by_the_folder_is_no_section_heading() -> None:
    lines = [ARTICLE[0], "Back to Gallery", ARTICLE[1], ARTICLE[3]]
    text = page(*[[t] for t in lines], *[[t] for t in ARTICLE[2:]])
    heading = clean_document(text, RULES)
    assert ("Back to Gallery", ARTICLE[1]) in heading.paragraphs
    shared = clean_document(text, RULES, folder_repeats=frozenset({"back to gallery"}))
    assert all(section is None for section, _ in shared.paragraphs)


# --- Title, byline, date ---------------------------------------------------------------------


def test_title_byline_and_date_are_found_above_the_article() -> None:
    doc = clean_document(HARBOUR, RULES)
    assert doc.title == "Sea wall approved after years of floods"
    assert doc.author == "Jane Marlow"
    assert doc.date == "November 18, 2019"
    assert {section for section, _ in doc.paragraphs} == {None}  # no label, date or byline


def test_the_headline_is_the_line_that_shares_the_article_s_words() -> None:
    text = page(
        ["Skip to content", *MENU],
        ["My Teams"],
        ["Sea wall approved after years of floods"],
        ["Sea wall approved after years of floods"],
        *[[t] for t in ARTICLE],
        FOOTER,
    )
    assert clean_document(text, RULES).title == "Sea wall approved after years of floods"


def test_the_headline_comes_before_its_deck() -> None:
    # The deck under the headline shares more of the article's words, being longer.
    deck = "Building takes three years, the harbour authority says"
    text = page(
        ["Skip to content", *MENU],
        ["Sea wall approved for the lower town"],
        [deck],
        ["By Jane Marlow"],
        *[[t] for t in ARTICLE],
        FOOTER,
    )
    assert clean_document(text, RULES).title == "Sea wall approved for the lower town"


def test_the_headline_stands_again_inside_a_longer_line() -> None:
    # The image above the heading repeats it in its alt text; a teaser below shares more
    # of the article's words. The alt text line is the headline again, not its deck.
    headline = "Sea wall approved for the lower town"
    text = page(
        ["Skip to content", *MENU],
        [f"{headline} image"],
        [headline],
        ["Local News", "Harbour authority backs the wall after floods"],
        *[[t] for t in ARTICLE],
        FOOTER,
    )
    assert clean_document(text, RULES).title == headline


def test_a_kept_line_that_the_next_repeats_is_the_headline_not_a_paragraph() -> None:
    headline = "Does the sea wall cost more than the floods?"
    text = page(["Skip to content", *MENU], [f"4. {headline}", headline], *[[t] for t in ARTICLE])
    doc = clean_document(text, RULES)
    assert doc.title == headline
    assert all(headline not in t for _, t in doc.paragraphs)


def test_the_headline_stands_above_its_byline_not_among_related_links() -> None:
    # A teaser of a related story nearer the article shares more of its words.
    text = page(
        ["Skip to content", *MENU],
        ["Sea wall approved"],
        ["By Jane Marlow"],
        ["More on:", "Floods", "Ferry service cut for the winter after the floods"],
        *[[t] for t in ARTICLE],
        FOOTER,
    )
    assert clean_document(text, RULES).title == "Sea wall approved"


@pytest.mark.parametrize(
    ("line", "author"),
    [
        ("By Jane Marlow", "Jane Marlow"),
        ("Author: Jane Marlow", "Jane Marlow"),
        ("by Bryan DeArdo", "Bryan DeArdo"),
        ("November 12, 2018 | BY: Beachbody", "Beachbody"),
        ("By JAKE SHERMAN and ANNA PALMER", "JAKE SHERMAN and ANNA PALMER"),
        ("Por Ana Souza", "Ana Souza"),
        ("Von Jan van der Berg", "Jan van der Berg"),
        ("By the way, this is a sentence.", None),
        ("Bylines are hard", None),
    ],
)
def test_bylines(line: str, author: str | None) -> None:
    assert byline_author(line) == author


@pytest.mark.parametrize(
    ("field", "kept_field"),
    [
        ("Jeff Foust Monday; November", "Jeff Foust"),
        ("The Russian; Syrian defense ministries", None),
        ("Lisa Mascaro; Mary Clare Jalonick", "Lisa Mascaro; Mary Clare Jalonick"),
        (None, None),
    ],
)
def test_an_author_field_keeps_only_names(field: str | None, kept_field: str | None) -> None:
    assert name_or_none(field) == kept_field


def test_names() -> None:
    assert is_name("Jane Q. Doe")
    assert is_name("Jean-Luc O’Neill")
    assert not is_name("Jane")  # one word: a label, unless a "By" vouches for it
    assert is_name("Jane", single_word=True)
    assert not is_name("Opinion Columnist 2")


@pytest.mark.parametrize(
    ("line", "printed"),
    [
        ("November 18, 2019", "November 18, 2019"),
        ("Nov 18, 2019 at 9:24 pm ET • 2 min read", "Nov 18, 2019"),
        ("19 ноября 2019", "19 ноября 2019"),
        ("Publié le 19 novembre 2019", "19 novembre 2019"),
        ("기사입력 : 2018-09-28 17:32", "2018-09-28"),
        ("2019年11月18日", "2019年11月18日"),
        ("18.11.2019", "18.11.2019"),
    ],
)
def test_dates_are_found_in_any_language(line: str, printed: str) -> None:
    assert is_date_line(line)
    assert date_in(line) == printed


def test_a_sentence_with_a_year_is_no_date_line() -> None:
    assert not is_date_line(
        "The council first proposed a sea wall in 2012, and the plan was rejected six years "
        "later when the cost of the works had doubled."
    )


@pytest.mark.parametrize(
    "line",
    [
        "November 18, 2019",  # a date
        "2 days ago at 07:52 am",  # a time
        "By Jake Sherman and Anna Palmer",  # a byline
        "Advertisement",  # a label: one word, nothing vouching for it
        "© 2019 Harbour News",  # a credit
        "Ryan Hollman. (Photo by Reuters)",  # a caption
        "Follow @harbournews",  # a handle
        "It was the end.",  # a sentence
    ],
)
def test_dates_bylines_labels_and_captions_are_no_headings(line: str) -> None:
    assert not reads_as_heading(line, 12, min_words=2)


def test_headings() -> None:
    assert reads_as_heading("Core Differences", 12)
    assert reads_as_heading("Contours of Russia-U.S. engagement", 12)
    assert reads_as_heading("China Factor?", 12)
    assert reads_as_heading("Outlook", 12)  # one word, where the layout vouches for it


def test_a_source_without_a_title_is_called_by_what_is_known() -> None:
    assert label("Dmitry Danilov", "RIAC", None, "000.txt") == ("Dmitry Danilov, RIAC", False)
    assert label(None, None, "2024-01-02", "a.jsonl#7") == ("a.jsonl#7, 2024-01-02", False)
    assert label(None, None, None, "notes.txt") == ("notes.txt", False)
