"""The objects one running server shares between its routes (kept on `app.state.docai`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.requests import Request

from docai.server.config import ServerConfig
from docai.server.metrics import Metrics
from docai.server.runner import JobRunner
from docai.server.uploads import UploadStore
from docai.server.webhooks import WebhookSender
from docai.storage.jobs import JobStore
from docai.storage.keys import KeyStore


@dataclass
class ServerState:
    config: ServerConfig
    service: Any
    jobs: JobStore
    keys: KeyStore
    uploads: UploadStore
    runner: JobRunner
    metrics: Metrics
    webhooks: WebhookSender


def state_of(request: Request) -> ServerState:
    return request.app.state.docai
