"""People of an organisation: invitations, roles, deactivation, and password reset by email."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app.people import shell

    shell.init_app(app)
