"""Validate and parse Telegram Bot API HTML (``parse_mode=HTML``) the way the Bot API does.

This module owns the test-side model of Telegram's HTML dialect: which tags and entities are
accepted, how the text and the message entities come out of it (offsets and lengths in UTF-16
code units), and the error messages Telegram puts after "can't parse entities: ".

The tag grammar and its error messages follow the Bot API server's HTML parser. The checks are
deliberately stricter than Telegram in three places, so that a renderer bug fails a test instead
of being silently repaired by Telegram:

* a bare ``&`` that does not start ``&lt;``, ``&gt;``, ``&amp;``, ``&quot;`` or a numeric
  character reference is an error (Telegram keeps it as literal text);
* entities that may not nest (anything inside ``code``/``pre`` except ``code`` in ``pre``,
  ``blockquote`` in ``blockquote``, links, code and custom emoji inside one another) are errors
  (Telegram drops the inner entity);
* ``tg-time`` is not supported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

__all__ = ["HtmlEntity", "ParsedHtml", "TelegramHtmlError", "parse_telegram_html", "utf16_len"]

# Tag name -> message entity type. "span" and "blockquote" are refined by their attributes.
_TAG_TYPES: dict[str, str] = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "tg-emoji": "custom_emoji",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
}

_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_CHAR_REFERENCE = re.compile(r"&(?:#(?:[xX]([0-9a-fA-F]+)|([0-9]+))|([A-Za-z][A-Za-z0-9]*));")
_TEXT_RUN = re.compile(r"[^<&]+")
_NAME_TOKEN = re.compile(r"[A-Za-z0-9.\-]*")

# Bold, italic, underline, strikethrough and spoiler may nest anywhere except in these two.
_VERBATIM = frozenset({"code", "pre"})
_BLOCKQUOTES = frozenset({"blockquote", "expandable_blockquote"})
# "All other entities can't contain each other" (Bot API, formatting options).
_EXCLUSIVE = frozenset({"text_link", "custom_emoji", "code", "pre"})


class TelegramHtmlError(ValueError):
    """Text that Telegram would reject with "Bad Request: can't parse entities: <message>"."""


@dataclass(frozen=True)
class HtmlEntity:
    """One message entity produced by parsing; offset and length count UTF-16 code units."""

    type: str
    offset: int
    length: int
    url: str | None = None
    language: str | None = None
    custom_emoji_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        """Return the entity as the Bot API's MessageEntity JSON object."""
        data: dict[str, Any] = {"offset": self.offset, "length": self.length, "type": self.type}
        if self.url is not None:
            data["url"] = self.url
        if self.language is not None:
            data["language"] = self.language
        if self.custom_emoji_id is not None:
            data["custom_emoji_id"] = self.custom_emoji_id
        return data


@dataclass(frozen=True)
class ParsedHtml:
    """The plain text Telegram stores for an HTML message, and its entities."""

    text: str
    entities: tuple[HtmlEntity, ...]

    def entities_json(self) -> list[dict[str, Any]]:
        """Return the entities as a list of MessageEntity JSON objects."""
        return [entity.to_json() for entity in self.entities]


@dataclass
class _OpenTag:
    name: str
    type: str
    start: int  # UTF-16 offset in the output text
    char_start: int  # index into the output text
    argument: str
    order: int  # opening order, so an outer entity sorts before an inner one of the same span


def utf16_len(text: str) -> int:
    """Return the length of text in UTF-16 code units, the unit of Telegram's limits."""
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


class _Parser:
    """One pass over the source; positions index ``source`` (characters)."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.pos = 0
        self.chunks: list[str] = []
        self.char_pos = 0
        self.utf16_pos = 0
        self.stack: list[_OpenTag] = []
        self.entities: list[tuple[int, HtmlEntity]] = []  # (opening order, entity)
        self.opened = 0

    def byte_offset(self, pos: int) -> int:
        return len(self.source[:pos].encode("utf-8"))

    def emit(self, text: str) -> None:
        self.chunks.append(text)
        self.char_pos += len(text)
        self.utf16_pos += utf16_len(text)

    def peek(self, pos: int) -> str:
        return self.source[pos] if pos < len(self.source) else ""

    def parse(self) -> ParsedHtml:
        source = self.source
        while self.pos < len(source):
            run = _TEXT_RUN.match(source, self.pos)
            if run:
                self.emit(run.group())
                self.pos = run.end()
            elif source[self.pos] == "&":
                self.emit(self.char_reference(self.pos, strict=True))
            elif self.peek(self.pos + 1) == "/":
                self.end_tag()
            else:
                self.start_tag()
        if self.stack:
            raise TelegramHtmlError(
                f'Can\'t find end tag corresponding to start tag "{self.stack[-1].name}"'
            )
        ordered = sorted(self.entities, key=lambda e: (e[1].offset, -e[1].length, e[0]))
        return ParsedHtml(text="".join(self.chunks), entities=tuple(e for _, e in ordered))

    def char_reference(self, pos: int, *, strict: bool) -> str:
        """Decode the reference at pos and advance past it; a bare "&" is literal unless strict."""
        match = _CHAR_REFERENCE.match(self.source, pos)
        decoded: str | None = None
        if match:
            hex_digits, dec_digits, name = match.groups()
            if name is not None:
                decoded = _NAMED_ENTITIES.get(name)
            else:
                code = int(hex_digits, 16) if hex_digits is not None else int(dec_digits)
                if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF:
                    decoded = chr(code)
        if match and decoded is not None:
            self.pos = match.end()
            return decoded
        if strict and match:
            raise TelegramHtmlError(
                f'Unsupported HTML entity "{match.group()}" at byte offset {self.byte_offset(pos)}'
            )
        if strict:
            raise TelegramHtmlError(
                f'Unescaped "&" at byte offset {self.byte_offset(pos)}; write it as &amp;'
            )
        self.pos = pos + 1
        return "&"

    def end_tag(self) -> None:
        source = self.source
        begin = self.pos
        if not self.stack:
            raise TelegramHtmlError(f"Unexpected end tag at byte offset {self.byte_offset(begin)}")
        pos = self.skip_until_space_or(begin + 2, ">")
        end_name = source[begin + 2 : pos].lower()
        pos = self.skip_spaces(pos)
        if self.peek(pos) != ">":
            raise TelegramHtmlError(f"Unclosed end tag at byte offset {self.byte_offset(begin)}")
        tag = self.stack[-1]
        if end_name and end_name != tag.name:
            raise TelegramHtmlError(
                f"Unmatched end tag at byte offset {self.byte_offset(begin)}, "
                f'expected "</{tag.name}>", found "</{end_name}>"'
            )
        self.stack.pop()
        self.pos = pos + 1
        self.close(tag)

    def close(self, tag: _OpenTag) -> None:
        length = self.utf16_pos - tag.start
        if length == 0:
            # Telegram drops empty entities instead of failing.
            return
        if tag.type == "pre":
            entity = self.pre_entity(tag.start, length)
        elif tag.type == "text_link":
            url = tag.argument or "".join(self.chunks)[tag.char_start :]
            entity = HtmlEntity("text_link", tag.start, length, url=url)
        elif tag.type == "custom_emoji":
            entity = HtmlEntity("custom_emoji", tag.start, length, custom_emoji_id=tag.argument)
        elif tag.type == "code":
            # The language of a code tag only survives as the language of its enclosing pre.
            in_pre = bool(self.stack) and self.stack[-1].type == "pre"
            language = tag.argument if in_pre and tag.argument else None
            entity = HtmlEntity("code", tag.start, length, language=language)
        else:
            entity = HtmlEntity(tag.type, tag.start, length)
        self.entities.append((tag.order, entity))

    def pre_entity(self, start: int, length: int) -> HtmlEntity:
        """Merge <pre><code class="language-x">...</code></pre> into one pre entity."""
        if not self.entities or self.entities[-1][1].type != "code":
            return HtmlEntity("pre", start, length)
        order, inner = self.entities.pop()
        if inner.offset == start and inner.length == length:
            return HtmlEntity("pre", start, length, language=inner.language)
        if inner.offset < start:  # a code entity before this pre, not inside it
            self.entities.append((order, inner))
        else:
            self.entities.append((order, HtmlEntity("code", inner.offset, inner.length)))
        return HtmlEntity("pre", start, length)

    def start_tag(self) -> None:
        begin = self.pos
        pos = self.skip_until_space_or(begin + 1, ">")
        if pos >= len(self.source):
            raise TelegramHtmlError(f"Unclosed start tag at byte offset {self.byte_offset(begin)}")
        name = self.source[begin + 1 : pos].lower()
        if name not in _TAG_TYPES:
            raise TelegramHtmlError(
                f'Unsupported start tag "{name}" at byte offset {self.byte_offset(begin)}'
            )
        attributes, self.pos = self.attributes(name, begin, pos)
        entity_type = _TAG_TYPES[name]
        argument = ""
        if name == "a":
            argument = attributes.get("href", "")
        elif name == "code":
            argument = attributes.get("class", "").removeprefix("language-")
            if argument == attributes.get("class", ""):
                argument = ""
        elif name == "tg-emoji":
            argument = attributes.get("emoji-id", "")
            if not (argument.isdigit() and int(argument) > 0):
                raise TelegramHtmlError("Invalid custom emoji identifier specified")
        elif name == "span" and attributes.get("class") != "tg-spoiler":
            raise TelegramHtmlError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {self.byte_offset(begin)}'
            )
        elif name == "blockquote" and "expandable" in attributes:
            entity_type = "expandable_blockquote"
        self.check_nesting(name, entity_type, begin)
        self.opened += 1
        self.stack.append(
            _OpenTag(name, entity_type, self.utf16_pos, self.char_pos, argument, self.opened)
        )

    def attributes(self, tag: str, begin: int, pos: int) -> tuple[dict[str, str], int]:
        """Read the attributes of the tag opened at begin; return them and the position after >."""
        source = self.source
        attributes: dict[str, str] = {}

        def unclosed() -> TelegramHtmlError:
            return TelegramHtmlError(f"Unclosed start tag at byte offset {self.byte_offset(begin)}")

        while True:
            pos = self.skip_spaces(pos)
            if pos >= len(source):
                raise unclosed()
            if source[pos] == ">":
                return attributes, pos + 1
            name_end = self.skip_until_space_or(pos, "=>")
            name = source[pos:name_end].lower()
            if not name:
                raise TelegramHtmlError(
                    f'Empty attribute name in the tag "{tag}" at byte offset '
                    f"{self.byte_offset(begin)}"
                )
            pos = self.skip_spaces(name_end)
            if self.peek(pos) != "=":
                if tag == "blockquote" and name == "expandable":
                    attributes[name] = ""
                    continue
                raise TelegramHtmlError(
                    "Expected equal sign in declaration of an attribute of the tag "
                    f'"{tag}" at byte offset {self.byte_offset(begin)}'
                )
            pos = self.skip_spaces(pos + 1)
            if pos >= len(source):
                raise unclosed()
            attributes[name], pos = self.attribute_value(pos)
            if pos >= len(source):
                raise unclosed()

    def attribute_value(self, pos: int) -> tuple[str, int]:
        """Read a quoted string or an HTML name token starting at pos; return it and the end."""
        source = self.source
        quote = source[pos]
        if quote not in "'\"":
            token = _NAME_TOKEN.match(source, pos)
            end = token.end() if token else pos
            if end < len(source) and not source[end].isspace() and source[end] != ">":
                raise TelegramHtmlError(
                    f"Unexpected end of name token at byte offset {self.byte_offset(end)}"
                )
            return source[pos:end].lower(), end
        pos += 1
        chars: list[str] = []
        while pos < len(source) and source[pos] != quote:
            if source[pos] == "&":
                self.pos = pos
                chars.append(self.char_reference(pos, strict=False))
                pos = self.pos
            else:
                chars.append(source[pos])
                pos += 1
        return "".join(chars), min(pos + 1, len(source))

    def skip_spaces(self, pos: int) -> int:
        while pos < len(self.source) and self.source[pos].isspace():
            pos += 1
        return pos

    def skip_until_space_or(self, pos: int, stops: str) -> int:
        while pos < len(self.source) and not self.source[pos].isspace():
            if self.source[pos] in stops:
                break
            pos += 1
        return pos

    def check_nesting(self, name: str, entity_type: str, begin: int) -> None:
        """Reject the entity combinations the Bot API documents as not nestable."""
        for outer in reversed(self.stack):
            if entity_type == "code" and outer.type == "pre" and outer is self.stack[-1]:
                continue
            if (
                outer.type in _VERBATIM
                or (outer.type in _BLOCKQUOTES and entity_type in _BLOCKQUOTES)
                or (outer.type in _EXCLUSIVE and entity_type in _EXCLUSIVE | _BLOCKQUOTES)
            ):
                raise TelegramHtmlError(
                    f'Tag "{name}" can\'t be nested in tag "{outer.name}" at byte offset '
                    f"{self.byte_offset(begin)}"
                )


def parse_telegram_html(text: str) -> ParsedHtml:
    """Parse Telegram HTML into plain text and entities, raising TelegramHtmlError if invalid."""
    return _Parser(text).parse()
