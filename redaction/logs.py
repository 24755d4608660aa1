"""Every log record of a process redacted before any handler sees it.

Installed as the process's log record factory rather than as a filter on
some handler: Rasa, Sanic and uvicorn replace handlers when they configure
logging, and a filter on a logger does not see records its children
propagate. A record factory makes every record of every logger, before any
handler: the message is formatted with its arguments, redacted, and stored
without arguments; an exception's traceback is formatted and redacted too
(a traceback can quote a value, e.g. a failed int("07700 900123")).
"""

from __future__ import annotations

import logging

_installed = False


def redacted_record_factory(factory):
    from redaction import redact

    def make_record(*args, **kwargs) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string is logged as written, still redacted
            message = f"{record.msg} {record.args!r}"
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return record

    make_record.redacts = True  # type: ignore[attr-defined]
    return make_record


def install_log_redaction() -> None:
    """Make every later log record of this process carry no personal data (once per process)."""
    global _installed
    current = logging.getLogRecordFactory()
    if _installed or getattr(current, "redacts", False):
        return
    logging.setLogRecordFactory(redacted_record_factory(current))
    _installed = True
