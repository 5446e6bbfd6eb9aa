"""No live link token in any log line.

A guardian's tracking link (``/t/<token>/``) shows where a citizen is, and a decline link
(``/g/decline/<token>/``) removes a guardian: the path is the secret. Django logs request paths
on its own (``Not Found: …``, ``Method Not Allowed (HEAD): …``, CSRF failures, a 500's
``Internal Server Error: …``), so the token reached the operations log. ``ScrubTokens`` sits on
every handler in ``settings.LOGGING`` and rewrites each record before it is written: message,
arguments and traceback, the token segment replaced by ``[token]``. A new handler must carry it.
"""

from __future__ import annotations

import logging
import re

# The path must start there (after a space, a quote, a bracket or a host): /admin/t/… is not ours.
TOKEN_PATH = re.compile(r"((?:^|[\s\"'(=]|://[^/\s]+)/(?:t|g/decline)/)[^/\s\"'?#<>]+", re.MULTILINE)
REPLACEMENT = r"\1[token]"
_FORMATTER = logging.Formatter()


def scrub(text: str) -> str:
    return TOKEN_PATH.sub(REPLACEMENT, text)


class ScrubTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed record is logging's to report, not ours
            return True
        record.msg, record.args = scrub(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = _FORMATTER.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        return True
