"""One shape for every complaint the pipeline makes about its input.

Editors and translators read these messages, not tracebacks, so each names the
place (file, line, record id, field) and what was expected there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Sequence


@dataclass(frozen=True, order=True)
class Problem:
    """A single mistake in an input file."""

    file: str
    line: int | None
    record: str | None
    field: str | None
    message: str
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        place = self.file if self.line is None else f"{self.file}:{self.line}"
        where = " ".join(part for part in (self.record and f"id={self.record}", self.field and f"field={self.field}") if part)
        return f"{place}: {self.severity}: " + (f"{where}: " if where else "") + self.message


class InputError(Exception):
    """Raised when input files are wrong; carries every problem found, not just the first."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = tuple(sorted(problems, key=lambda p: (p.file, p.line or 0, p.message)))
        super().__init__("\n".join(str(p) for p in self.problems))


class OutputError(Exception):
    """The output cannot be written (full disk, read-only folder): not the input's fault.

    Carries one line that says where and why; the previous output is untouched.
    """


def errors_only(problems: Sequence[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]
