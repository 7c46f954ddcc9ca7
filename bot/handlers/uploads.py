"""Changing the sources from Telegram: a file sent by an uploader (or an admin) becomes a
source, and /remove N (admins) deletes one after a confirm button.

The checks that need no download come first (who sent it, its type, the size Telegram
reports); the file is then downloaded to a staging folder outside the sources, and
bot/sourcefiles.py adds it (or removes a file) in the updates lane, one change at a time,
all or nothing. Questions go on being answered from the library in use until the new one
is swapped in.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from telegram import CallbackQuery, Document, Message
from telegram.error import TelegramError

from bot import payloads as pl
from bot import sourcefiles
from bot import wording as w
from bot.context import SourcebotContext
from bot.handlers.admin import admins_only
from bot.handlers.base import Outcome, on_button, on_message
from bot.keyboards import remove_keyboard
from bot.render_html import esc, render_upload
from bot.reply import clip
from bot.sourcefiles import Added
from retrieval import Library, SourcebotError

log = logging.getLogger("sourcebot.updates")

MB = 1 << 20


def _may_upload(message: Message, context: SourcebotContext) -> bool:
    user = message.from_user
    access = context.state.settings.access
    return user is not None and (user.id in access.uploaders or user.id in access.admins)


def _limit_mb(context: SourcebotContext) -> int:
    settings = context.state.settings
    return min(settings.limits.upload_max_mb, settings.retrieval.sources.max_file_mb)


@on_message
async def on_document(message: Message, context: SourcebotContext) -> Outcome:
    """Add the file sent as a source (uploaders and admins), or say why not."""
    words = context.words
    document = message.document
    if document is None:  # pragma: no cover - the handler's filter lets only documents in
        return Outcome("upload-none")
    if not _may_upload(message, context):
        await message.reply_text(esc(words(w.UPLOAD_REFUSED)))
        return Outcome("upload-refused")
    extensions = context.state.settings.retrieval.sources.extensions
    shown = clip(document.file_name or "this file")
    name = sourcefiles.safe_name(document.file_name, extensions)
    if name is None:
        types = w.file_types(extensions, words)
        await message.reply_text(esc(words(w.UPLOAD_WRONG_TYPE, types=types, name=shown)))
        return Outcome("upload-wrong-type")
    limit = _limit_mb(context)
    if document.file_size is not None and document.file_size > limit * MB:
        await _too_big(message, shown, document.file_size, limit, context)
        return Outcome("upload-too-big", size=document.file_size)
    caption = sourcefiles.read_caption(message.caption)
    with tempfile.TemporaryDirectory(prefix="sourcebot-upload-") as staging:
        staged = Path(staging) / name
        size = await _download(document, staged, limit, context)
        if size is None:
            await message.reply_text(esc(words(w.UPLOAD_DOWNLOAD_FAILED, name=shown)))
            return Outcome("upload-download-failed")
        if size > limit * MB:
            await _too_big(message, shown, size, limit, context)
            return Outcome("upload-too-big", size=size)
        result = await context.state.change_sources(
            lambda library: sourcefiles.add_upload(
                library,
                staged,
                name,
                context.state.settings.retrieval.sources.folders[0],
                caption,
                context.state.settings.metadata_path,
            )
        )
    await message.reply_text(render_upload(result, words))
    kind = "upload" if isinstance(result, Added) else f"upload-{result.why}"
    return Outcome(kind, size=size)


async def _too_big(
    message: Message, name: str, size: int, limit: int, context: SourcebotContext
) -> None:
    text = context.words(w.UPLOAD_TOO_BIG, name=name, mb=size / MB, limit=limit)
    await message.reply_text(esc(text))


async def _download(
    document: Document, staged: Path, limit: int, context: SourcebotContext
) -> int | None:
    """Download the document to staged; return its size (None: Telegram would not give it).

    The size getFile reports is checked before a byte is fetched."""
    try:
        file = await context.bot.get_file(document.file_id)
        if file.file_size is not None and file.file_size > limit * MB:
            return file.file_size
        await file.download_to_drive(staged)
    except (TelegramError, OSError) as exc:
        log.warning("upload download failed: %s: %s", type(exc).__name__, exc)
        return None
    return staged.stat().st_size


@on_message
@admins_only("remove")
async def on_remove(message: Message, context: SourcebotContext) -> Outcome:
    """Ask an admin to confirm removing source N, with a button."""
    words = context.words
    library = context.library
    arg = " ".join(context.args or []).strip()
    if not arg:
        await message.reply_text(esc(words(w.REMOVE_USAGE)))
        return Outcome("remove-usage")
    source = library.find_source(arg)
    origin = library.origin(source.number) if source is not None else None
    if source is None or origin is None:
        text = words(w.REMOVE_NO_SOURCE, ref=clip(arg, 40), count=len(library.sources))
        await message.reply_text(esc(text))
        return Outcome("remove-usage")
    label, file = clip(source.meta.title), clip(origin.name)
    text = words(w.REMOVE_ASK, number=source.number, label=label, file=file)
    several = len(library.sources_from(origin))
    if several > 1:
        text += " " + words(w.REMOVE_ASK_SEVERAL, count=several)
    key = sourcefiles.source_key(origin)
    keyboard = remove_keyboard(source.number, origin.name, key, words)
    await message.reply_text(esc(text), reply_markup=keyboard)
    return Outcome("remove-ask")


@on_button(pl.Remove)
async def on_remove_confirmed(
    query: CallbackQuery, message: Message, payload: pl.Remove, context: SourcebotContext
) -> Outcome:
    """Remove the source file an admin confirmed, if it is still the one they were shown."""
    words = context.words
    if query.from_user.id not in context.state.settings.access.admins:
        await query.answer(words(w.REMOVE_NOT_ADMIN), show_alert=True)
        return Outcome("remove-refused")
    await query.answer()

    def remove(library: Library) -> tuple[Library | None, str]:
        origin = library.origin(payload.source)
        if origin is None or sourcefiles.source_key(origin) != payload.key:
            return None, words(w.REMOVE_CHANGED)
        try:
            new, removed = sourcefiles.remove_file(library, origin)
        except (SourcebotError, OSError) as exc:
            return None, words(w.REMOVE_FAILED, file=clip(origin.name), error=exc)
        if new is None or removed is None:
            return None, words(w.REMOVE_CHANGED)
        return new, words(
            w.REMOVE_DONE,
            file=clip(removed.name),
            sources=len(new.sources),
            passages=new.passage_total,
        )

    said = await context.state.change_sources(remove)
    await message.edit_text(esc(said))
    return Outcome("remove")
