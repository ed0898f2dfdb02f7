"""Test helpers for signals (app/signals.py)."""

from __future__ import annotations

from contextlib import contextmanager


@contextmanager
def received(*signals_):
    """Collect (sender, kwargs) of every signal sent while the block runs."""
    got = []

    def receiver(sender, **kwargs):
        got.append((sender, kwargs))

    for signal in signals_:
        signal.connect(receiver)
    try:
        yield got
    finally:
        for signal in signals_:
            signal.disconnect(receiver)
