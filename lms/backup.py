"""Backups: the database (SQLite's online backup API, or pg_dump) together with the signing keys.

A backup is a folder: ``database.sqlite3`` or ``database.dump``, ``keys/`` (the certificate
signing keys), ``survey_key`` when it is kept in the instance folder, and ``manifest.json`` with
the row count of every table. It holds secrets: keep it where the server's instance folder is kept.
"""

import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from lms.clock import utcnow
from lms.extensions import db

SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.dump"


class BackupError(Exception):
    """A backup cannot be written or restored; the message says why."""


def row_counts() -> dict[str, int]:
    return {table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


def _pg_args(url) -> tuple[list[str], dict]:
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    args = ["-h", url.host or "localhost", "-p", str(url.port or 5432), "-U", url.username or "postgres"]
    return args, env


def backup(dest: Path) -> dict:
    """Write a backup of the running app's database and keys into the new folder ``dest``; return its manifest."""
    dest = Path(dest)
    if dest.exists() and any(dest.iterdir()):
        raise BackupError(f"{dest} exists and is not empty")
    dest.mkdir(parents=True, exist_ok=True)
    os.chmod(dest, 0o700)
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(url.database)
        target = sqlite3.connect(dest / SQLITE_FILE)
        with target:
            source.backup(target)  # consistent while the app keeps writing
        source.close()
        target.close()
    elif url.get_backend_name() == "postgresql":
        args, env = _pg_args(url)
        subprocess.run(["pg_dump", *args, "-Fc", "-f", str(dest / PG_FILE), url.database], check=True, env=env)
    else:
        raise BackupError(f"no backup method for {url.get_backend_name()}")
    instance = Path(current_app.instance_path)
    if (instance / "keys").is_dir():
        shutil.copytree(instance / "keys", dest / "keys")
    if (instance / "survey_key").exists():
        shutil.copy2(instance / "survey_key", dest / "survey_key")
    manifest = {"created": utcnow().isoformat(), "backend": url.get_backend_name(),
                "rows": row_counts()}
    (dest / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return manifest


def restore(src: Path) -> dict:
    """Replace the database and keys with the backup in ``src``; return its manifest."""
    src = Path(src)
    manifest = json.loads((src / "manifest.json").read_text(encoding="utf-8"))
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if manifest["backend"] != url.get_backend_name():
        raise BackupError(f"the backup is of {manifest['backend']}, the app uses {url.get_backend_name()}")
    db.session.remove()
    db.engine.dispose()
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(src / SQLITE_FILE)
        target = sqlite3.connect(url.database)
        with target:
            source.backup(target)
        source.close()
        target.close()
    else:
        args, env = _pg_args(url)
        subprocess.run(["pg_restore", *args, "--clean", "--if-exists", "--no-owner", "-d", url.database,
                        str(src / PG_FILE)], check=True, env=env)
    instance = Path(current_app.instance_path)
    if (src / "keys").is_dir():
        shutil.copytree(src / "keys", instance / "keys", dirs_exist_ok=True)
    if (src / "survey_key").exists():
        shutil.copy2(src / "survey_key", instance / "survey_key")
    return manifest
