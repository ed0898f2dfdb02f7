"""Screening suppliers against forced-labour entity lists (issue 13).

importer.py reads a list file (pure), matcher.py finds candidate pairs (pure), services.py
loads list editions, runs.py screens an organisation, decisions.py confirms and dismisses hits;
jobs.py puts runs on the queue, receivers.py asks for them, views.py, api.py and cli.py are the
doors in.
"""
