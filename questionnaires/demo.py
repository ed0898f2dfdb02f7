"""PLACEHOLDER (helper hC), only so that shell.py imports: the real demo data comes from
another helper; the lead takes theirs instead."""

from __future__ import annotations


def seed(session, orgs: dict) -> None:
    return None
