"""`docai serve`: the HTTP API over the service layer (FastAPI on uvicorn)."""

from docai.server.app import create_app
from docai.server.config import ServerConfig

__all__ = ["ServerConfig", "create_app"]
