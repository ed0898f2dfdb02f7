"""Audits, findings, corrective actions (CAP items) and the recruitment-fee ledger."""
