"""Journeys through the real pages in Chromium (Playwright), against a live server."""
