"""docai errors as HTTP answers: a status code and `{"error": "one line"}`, never a traceback."""

from __future__ import annotations

import logging

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from docai.errors import DocaiError, EngineError, EngineUnavailable, InputError, SchemaError, StorageError

_log = logging.getLogger(__name__)


class ApiError(Exception):
    """An error with its HTTP status, raised by the routes."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def status_for(error: DocaiError) -> int:
    if isinstance(error, SchemaError):
        return 422
    if isinstance(error, InputError):
        return 400
    if isinstance(error, EngineUnavailable):
        return 503
    if isinstance(error, EngineError):
        return 502
    if isinstance(error, StorageError):
        return 500
    return 500


def one_line(text: str) -> str:
    lines = [line.strip() for line in str(text).strip().splitlines() if line.strip()]
    return lines[0] if lines else "error"


def error_response(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": one_line(message)}, status_code=status)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api(_r: Request, e: ApiError) -> JSONResponse:
        return error_response(e.status, e.message)

    @app.exception_handler(DocaiError)
    async def _docai(_r: Request, e: DocaiError) -> JSONResponse:
        return error_response(status_for(e), str(e))

    @app.exception_handler(HTTPException)
    async def _http(_r: Request, e: HTTPException) -> JSONResponse:
        return error_response(e.status_code, str(e.detail))

    @app.exception_handler(RequestValidationError)
    async def _validation(_r: Request, e: RequestValidationError) -> JSONResponse:
        first = e.errors()[0] if e.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        return error_response(422, f"{where}: {first.get('msg', 'invalid request')}")

    @app.exception_handler(Exception)
    async def _bug(_r: Request, e: Exception) -> JSONResponse:
        _log.exception("internal error")
        return error_response(500, f"internal error: {type(e).__name__}: {e}")
