"""The failures feedgen understands, each with its exit code, and the exit codes themselves.

The library raises these; exactly one place turns them into a line on stderr and an exit code:
the command group's boundary in feedgen.cli. An exception outside this family is a bug (exit 70),
Ctrl-C is feedgen.interrupt's (exit 130): it stays a KeyboardInterrupt so no `except Exception`
in the library can swallow it.

Exit codes: 0 clean, 1 item errors (a result), 2 unusable input or configuration, 3 the publish
gate or the shrink guard refused (a result, not an exception), 4 the system refused a read or
write, 5 a delivery destination failed (a result), 70 a bug, 130 interrupted.
"""

from __future__ import annotations

import errno
from pathlib import Path
from typing import ClassVar

EXIT_OK = 0
EXIT_ITEMS = 1
EXIT_INPUT = 2
EXIT_REFUSED = 3
EXIT_ENVIRONMENT = 4  # an OSError: ENOSPC, EACCES, EIO …
EXIT_UNDELIVERED = 5  # deliver: a destination failed (the others were still delivered)
EXIT_INTERNAL = 70  # EX_SOFTWARE (sysexits.h): an unexpected exception, i.e. a bug in feedgen


class FeedgenError(Exception):
    """A failure feedgen can explain in one line: `one_line()` is printed after `error: `, and the
    process exits with the class's `exit_code`."""

    exit_code: ClassVar[int] = EXIT_INPUT

    def one_line(self) -> str:
        return str(self)


class InputError(FeedgenError):
    """An input file cannot be used at all.

    Rendered as one line `file:row:column: message` so an editor or CI log can jump to it;
    row and column are 1-based and optional because some problems belong to a whole file.
    """

    exit_code: ClassVar[int] = EXIT_INPUT

    def __init__(
        self,
        path: str | Path,
        message: str,
        *,
        row: int | None = None,
        column: str | int | None = None,
    ) -> None:
        self.path = str(path)
        self.row = row
        self.column = column
        self.message = message
        super().__init__(self.one_line())

    def one_line(self) -> str:
        where = self.path
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column {self.column}"
        return f"{where}: {self.message}"

    def __reduce__(self) -> tuple:
        """Picklable with its keyword arguments, so a worker process can hand it to the parent."""
        return _input_error, (self.path, self.message, self.row, self.column)


def _input_error(path: str, message: str, row: int | None, column: str | int | None) -> InputError:
    return InputError(path, message, row=row, column=column)


class SetupError(FeedgenError):
    """A setting that is no file cannot be used: a translation engine without its API key, a port
    another program holds, an output that was never built. The message says what to do instead."""

    exit_code: ClassVar[int] = EXIT_INPUT


class EnvironmentFailure(FeedgenError):
    """The system refused a read or write (disk full, permissions): the file (or `where`, when the
    system call names none), the reason with its errno name, and what it means for the output."""

    exit_code: ClassVar[int] = EXIT_ENVIRONMENT

    def __init__(self, error: OSError, where: str | Path, note: str = "") -> None:
        self.error = error
        self.where = str(where)
        self.note = note
        super().__init__(self.one_line())

    def one_line(self) -> str:
        code = errno.errorcode.get(self.error.errno or 0, "")
        reason = f"{self.error.strerror or self.error}{f' ({code})' if code else ''}"
        return f"{self.error.filename or self.where}: {reason}{f'; {self.note}' if self.note else ''}"

    def __reduce__(self) -> tuple:
        return EnvironmentFailure, (self.error, self.where, self.note)
