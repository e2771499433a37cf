"""Error hierarchy. Library code raises these; only the CLI and the web UI turn them into messages."""

from __future__ import annotations


class DocaiError(Exception):
    """Base class of every error docai raises on purpose."""

    exit_code = 1


class InputError(DocaiError):
    """A document or argument the user gave cannot be used (missing, corrupt, encrypted, ...)."""

    exit_code = 3


class OptionError(InputError):
    """An option value that can never work (`--pages abc`, an OCR language not installed, an unwritable
    `--out`): rejected before any file is read, as a usage error."""

    exit_code = 2


class SchemaError(DocaiError):
    """A JSON Schema (or shorthand, or model) is malformed or uses something docai cannot fill."""

    exit_code = 4


class EngineError(DocaiError):
    """An engine failed while working (server error after retries, model crash, ...)."""

    exit_code = 5


class EngineUnavailable(EngineError):
    """An engine cannot run here (package missing, no model, server unreachable)."""

    exit_code = 6


class StorageError(DocaiError):
    """The database cannot be opened, migrated or written."""

    exit_code = 7


class Interrupted(DocaiError):
    """The user stopped the run (Ctrl-C)."""

    exit_code = 130
