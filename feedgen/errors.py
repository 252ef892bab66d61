"""Errors that stop a build before anything is written (exit code 2)."""

from __future__ import annotations

from pathlib import Path


class InputError(Exception):
    """An input file cannot be used at all.

    Rendered as one line `file:row:column: message` so an editor or CI log can jump to it;
    row and column are 1-based and optional because some problems belong to a whole file.
    """

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
