"""JSON shapes of the report API (GET /api/v1/reports..., API.md), for the OpenAPI document
and the query's validation."""

from __future__ import annotations

from typing import Any

from app.apischema import INT_ID, PAGE_QUERY
from app.jobs.api import JOB_SCHEMA
from reports.models import FORMATS, REPORT_STATUSES

_NULL_INT = {"type": ["integer", "null"]}
_NULL_TEXT = {"type": ["string", "null"]}
_DATE_ARG = {"type": "string", "format": "date", "maxLength": 10}

REPORT = {
    "type": "object",
    "required": ["id", "kind", "format", "period_start", "period_end", "status", "created_at"],
    "properties": {
        "id": INT_ID,
        "kind": {"type": "string", "enum": ["due_diligence"]},
        "format": {"type": "string", "enum": list(FORMATS)},
        "period_start": {"type": "string", "format": "date"},
        "period_end": {"type": "string", "format": "date"},
        "status": {"type": "string", "enum": list(REPORT_STATUSES)},
        "job_id": _NULL_INT,
        "progress": {"type": ["object", "null"], "properties": {
            "stage": {"type": "string"}, "done": {"type": "integer"}, "total": _NULL_INT}},
        "filename": _NULL_TEXT,
        "size": _NULL_INT,
        "sha256": _NULL_TEXT,
        "rows": {"type": ["integer", "null"], "description": "suppliers in the report"},
        "error": _NULL_TEXT,
        "created_by": _NULL_TEXT,
        "created_at": {"type": "string", "format": "date-time"},
        "finished_at": {"type": ["string", "null"], "format": "date-time"},
        "download_url": {"type": ["string", "null"],
                         "description": "GET it for the file, once the report is done"},
    },
}

SCHEMAS: dict[str, dict[str, Any]] = {
    "Report": REPORT,
    "ReportQueued": {"type": "object", "required": ["report", "job"], "properties": {
        "report": REPORT, "job": JOB_SCHEMA}},
    "DueDiligenceQuery": {"type": "object", "properties": {
        "format": {"type": "string", "enum": list(FORMATS), "default": "pdf"},
        "period_start": {**_DATE_ARG, "description": "default: a year before period_end"},
        "period_end": {**_DATE_ARG, "description": "default: today"},
        "async": {"type": "string", "enum": ["", "0", "1", "true", "false", "yes", "no"],
                  "description": "1: make it on the job queue (202), whatever the size"},
    }},
    "ReportListQuery": {"type": "object", "properties": {**PAGE_QUERY}},
}
