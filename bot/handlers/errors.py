"""The error handler: whatever a handler raised, the user hears something and the log has
the update id. Not for a Bot API call whose answer was lost (a timeout, a dropped
connection: bot/transport.py), which may have been carried out: a "something went wrong"
beside an answer that did arrive would be wrong, so that is only logged."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TimedOut

from bot.context import NotReadyError, SourcebotContext
from bot.lanes import LaneBusyError
from bot.render_html import esc
from bot.transport import DeliveryUnknownError
from bot.wording import BUSY, FAILED, NOT_READY

log = logging.getLogger("sourcebot.updates")


async def on_error(update: object, context: SourcebotContext) -> None:
    """Log the failure with the update id and tell the user something went wrong."""
    update_id = update.update_id if isinstance(update, Update) else None
    error = context.error
    if isinstance(error, NotReadyError):
        reply = NOT_READY
        log.warning("update=%s before the sources were loaded", update_id)
    elif isinstance(error, LaneBusyError):
        reply = BUSY
        log.warning("update=%s: %s", update_id, error)
    elif isinstance(error, DeliveryUnknownError | TimedOut):
        # The call may still have been carried out (a slow server, an answer lost on the
        # way): say nothing rather than "something went wrong" beside the answer. A pool
        # timeout (TimedOut too) was not sent, but then the pool is too busy to say anything.
        log.warning("update=%s: %s; not repeated", update_id, _short(error))
        return
    else:
        reply = FAILED
        log.error("update=%s failed", update_id, exc_info=error)
    if isinstance(update, Update):
        try:
            said = context.words(reply)
            if update.callback_query is not None:
                await update.callback_query.answer(said)
            elif update.effective_message is not None:
                await update.effective_message.reply_text(esc(said))
        except Exception:  # the reply itself failed (network?): logging is all that is left
            log.warning("update=%s: could not tell the user about the failure", update_id)


def _short(error: BaseException) -> str:
    """Return a Bot API fault in a few words for the log."""
    message = getattr(error, "message", None) or str(error)
    if isinstance(error, TimedOut) and "Pool timeout" in message:
        return "no free connection for the reply (not sent)"
    if isinstance(error, TimedOut):
        return f"a Bot API call timed out ({message})"
    return f"a Bot API call may have gone through, its answer lost ({message})"
