"""The supplier network: suppliers, relationships, import, graph analytics, network view."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from suppliers import shell

    shell.init_app(app)
