"""Alembic configuration built from the app's settings (no alembic.ini to keep in sync)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic.config import Config

HERE = Path(__file__).resolve().parent


def alembic_config(database_url: str, connection: Any = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    cfg.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    cfg.set_main_option(
        "file_template", "%%(year)d%%(month).2d%%(day).2d_%%(rev)s_%%(slug)s"
    )
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg
