"""`docai serve` (the HTTP API) and `docai keys create|list|revoke` (its API keys)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from docai.storage.keys import KeyStore

from docai.cli.common import build_options, info, print_json

keys_app = typer.Typer(help="API keys of `docai serve` (stored hashed; the token is shown once).")


def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    no_auth: Annotated[
        bool, typer.Option("--no-auth", help="Accept requests without a key (loopback only).")
    ] = False,
    executor: Annotated[str, typer.Option("--executor", help="local (threads here) or ray.")] = "local",
    ray_address: Annotated[
        str | None, typer.Option("--ray-address", help="Ray cluster address (default: start one).")
    ] = None,
    workers: Annotated[
        int | None, typer.Option("--workers", "-w", help="Files at once (default 1; on Ray: its CPUs).")
    ] = None,
    allow_path: Annotated[
        list[Path] | None, typer.Option("--allow-path", help="A folder clients may name files in.")
    ] = None,
    upload_dir: Annotated[Path | None, typer.Option("--upload-dir", help="Where uploads are kept.")] = None,
    max_upload_mb: Annotated[float, typer.Option("--max-upload-mb", help="Upload size limit.")] = 50.0,
    lease_s: Annotated[
        float, typer.Option("--lease-s", help="Seconds before a dead server's files are taken over.")
    ] = 30.0,
    no_ui: Annotated[bool, typer.Option("--no-ui", help="Do not mount the web app at /ui.")] = False,
    public_docs: Annotated[
        bool, typer.Option("--public-docs", help="Serve /docs and /openapi.json without a key.")
    ] = False,
    retention_days: Annotated[
        float,
        typer.Option("--retention-days", help="Remove ended jobs and unused uploads this old (0: keep all)."),
    ] = 30.0,
    engine: Annotated[str | None, typer.Option("--engine", help="Default engine.")] = None,
    model: Annotated[str | None, typer.Option("--model", help="Default model.")] = None,
    base_url: Annotated[str | None, typer.Option("--base-url", help="OpenAI-compatible server URL.")] = None,
) -> None:
    """Serve the HTTP API (extract, ask, batch, jobs, runs, export); docs at /docs, the web app at /ui."""
    from docai.server.config import use_one_thread_pools

    use_one_thread_pools()
    import uvicorn

    from docai.server import ServerConfig, create_app

    options = build_options(engine=engine, model=model, base_url=base_url)
    config = ServerConfig(
        host=host, port=port, auth=not no_auth, options=options, db=options.db,
        allowed_paths=[p.expanduser().resolve() for p in allow_path or []], upload_dir=upload_dir,
        max_upload_mb=max_upload_mb, workers=workers, executor=executor, ray_address=ray_address,
        lease_s=lease_s, ui=not no_ui, public_docs=public_docs, retention_days=retention_days,
    )  # fmt: skip
    config.check()
    app = create_app(config)
    info(f"docai serve on http://{host}:{port} (docs at /docs{'' if no_ui else ', web app at /ui'})")
    uvicorn.run(app, host=host, port=port, log_level="warning", timeout_graceful_shutdown=30)


def _keys() -> KeyStore:
    """A KeyStore over the configured database."""
    from docai.storage import open_database
    from docai.storage.keys import KeyStore

    return KeyStore(open_database(build_options().db))


@keys_app.command("create")
def keys_create(
    name: Annotated[str, typer.Argument(help="Who or what the key is for.")],
    rate: Annotated[int, typer.Option("--rate", help="Requests a minute.")] = 600,
    max_upload_mb: Annotated[float, typer.Option("--max-upload-mb", help="Largest upload.")] = 50.0,
) -> None:
    """Make a key; its token is printed once (only its hash is kept)."""
    store = _keys()
    try:
        key, token = store.create(name, rate_per_min=rate, max_upload_mb=max_upload_mb)
    finally:
        store.db.close()
    sys.stdout.write(token + "\n")
    info(f"key {key.id} ({key.name}): keep this token, it is not shown again")


@keys_app.command("list")
def keys_list(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Keys with their limits, use and whether revoked (never the tokens)."""
    store = _keys()
    try:
        keys = store.list()
    finally:
        store.db.close()
    if as_json:
        print_json([k.to_dict() for k in keys])
        return
    for k in keys:
        state = "revoked" if k.revoked_at else "active"
        used = k.last_used_at.isoformat(timespec="seconds") if k.last_used_at else "never"
        sys.stdout.write(
            f"{k.id}\t{k.name}\t{k.prefix}…\t{state}\t{k.rate_per_min}/min\t{k.max_upload_mb:g} MB\t{used}\n"
        )


@keys_app.command("revoke")
def keys_revoke(ref: Annotated[str, typer.Argument(help="Key id, name or token prefix.")]) -> None:
    """Revoke a key: requests with it are refused within a few seconds."""
    store = _keys()
    try:
        n = store.revoke(ref)
    finally:
        store.db.close()
    info(f"revoked {n} key(s)")


def register(app: typer.Typer) -> None:
    app.command()(serve)
    app.add_typer(keys_app, name="keys")
