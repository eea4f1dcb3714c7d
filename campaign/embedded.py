"""Laptop defaults that need no server: an embedded PostgreSQL and a file-based broker.

Only used when DATABASE_URL / CELERY_BROKER_URL are unset, so production and CI
never touch this module's servers.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CAMPAIGN_VAR_DIR", BASE_DIR / "var"))


def postgres_url() -> str:
    """Start (or join) the PostgreSQL server under var/postgres and return its URL.

    pgserver keeps a list of the processes holding the server and stops it when the
    last of them exits, so every manage.py or pytest process may call this.
    """
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset, which is normal on servers.
        warnings.simplefilter("ignore")
        import pgserver

    VAR_DIR.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(VAR_DIR / "postgres", cleanup_mode="stop")
    socket_dir = server.get_postmaster_info().socket_dir
    exists = server.psql("SELECT 1 FROM pg_database WHERE datname = 'campaign';")
    if "(1 row)" not in exists:
        server.psql("CREATE DATABASE campaign;")
    host = quote(str(socket_dir), safe="")
    return f"postgres://postgres@{host}/campaign"


def broker_folders() -> dict[str, str]:
    """Folders for kombu's filesystem transport: a real broker with no server."""
    folder = Path(os.environ.get("CAMPAIGN_BROKER_DIR", VAR_DIR / "broker"))
    paths = {
        "data_folder_in": folder / "queue",
        "processed_folder": folder / "processed",
        # Broadcast (control) messages: kombu's default is a "control" folder in the
        # current directory, which would litter the checkout.
        "control_folder": folder / "control",
    }
    for path in paths.values():
        path.mkdir(parents=True, exist_ok=True)
    return {
        "data_folder_in": str(paths["data_folder_in"]),
        "data_folder_out": str(paths["data_folder_in"]),
        "processed_folder": str(paths["processed_folder"]),
        "control_folder": str(paths["control_folder"]),
        "store_processed": False,
    }
