"""The error handler: whatever a handler raised, the user hears something and the log has
the update id (never a traceback for a timeout, which may have been carried out)."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TimedOut

from bot.context import NotReadyError, SourcebotContext
from bot.render_html import esc
from bot.wording import FAILED, NOT_READY

log = logging.getLogger("sourcebot.updates")


async def on_error(update: object, context: SourcebotContext) -> None:
    """Log the failure with the update id and tell the user something went wrong."""
    update_id = update.update_id if isinstance(update, Update) else None
    error = context.error
    if isinstance(error, NotReadyError):
        reply = NOT_READY
        log.warning("update=%s before the sources were loaded", update_id)
    elif isinstance(error, TimedOut):
        # A timed-out call may still have been carried out (a slow server): the answer is
        # probably on its way, so say nothing rather than "something went wrong" beside it.
        log.warning("update=%s: a Bot API call timed out; not retried", update_id)
        return
    else:
        reply = FAILED
        log.error("update=%s failed", update_id, exc_info=error)
    if isinstance(update, Update):
        try:
            if update.callback_query is not None:
                await update.callback_query.answer(reply)
            elif update.effective_message is not None:
                await update.effective_message.reply_text(esc(reply))
        except Exception:  # the reply itself failed (network?): logging is all that is left
            log.warning("update=%s: could not tell the user about the failure", update_id)
