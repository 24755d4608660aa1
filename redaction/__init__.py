"""Citizens' personal data found and taken out of text: one component for logs, the console's exports and training data.

Pure Python (standard library only) and importable by itself, because both
of the hotline's Python environments need it and nothing may import across
them: the Rasa server and the action server (Python 3.10, Rasa's pins) and
the back office (Python 3.11). It lives at the repository root beside
`channels/` and `actions/`, and each image copies it (bot/Dockerfile,
backend/Dockerfile).

- `redact(text)`: each piece replaced by a placeholder such as `[PHONE]` (logs).
- `pseudonymise(text)`: each piece replaced by a realistic fake of the same
  shape, the same for the same text every time (training data exports).
- `install_log_redaction()`: every log record of the process redacted (logs.py).
"""

from __future__ import annotations

from redaction.detectors import Finding, Kind, find_personal_data, strip_invisible
from redaction.fakes import fake_value, seeded
from redaction.logs import install_log_redaction

__all__ = ["Finding", "Kind", "find_personal_data", "install_log_redaction", "pseudonymise", "redact"]


def redact(text: str, known_names: tuple[str, ...] = ()) -> str:
    """`text` with every piece of personal data replaced by `[KIND]`; invisible characters dropped."""
    text = strip_invisible(text)
    return _replace(text, find_personal_data(text, known_names), lambda finding, _index: f"[{finding.kind.value}]")


def pseudonymise(text: str, known_names: tuple[str, ...] = (), context: str = "") -> str:
    """`text` with every piece of personal data replaced by a fake of the same shape.

    The fakes are seeded by the text with its personal data blanked out (and
    `context`, e.g. a record id), never by the data itself; one value repeated
    in the text gets one fake.
    """
    text = strip_invisible(text)
    findings = find_personal_data(text, known_names)
    skeleton = _replace(text, findings, lambda finding, _index: f"[{finding.kind.value}]")
    chosen: dict[tuple[Kind, str], str] = {}

    def fake(finding: Finding, index: int) -> str:
        key = (finding.kind, finding.text.casefold())
        if key not in chosen:
            seed = seeded(context, skeleton, finding.kind.value, str(index))
            chosen[key] = fake_value(finding.kind, finding.text, seed)
        return chosen[key]

    return _replace(text, findings, fake)


def _replace(text: str, findings: list[Finding], replacement) -> str:
    out, last = [], 0
    for index, finding in enumerate(findings):
        out.append(text[last : finding.start])
        out.append(replacement(finding, index))
        last = finding.end
    out.append(text[last:])
    return "".join(out)
