"""Questionnaire templates: the dataclasses, and loading and validating template files.

Pure module (no Flask, no database). Templates are data files, ``<root>/<key>/v<N>.json``
(questionnaires/data/templates for the built-in ones); a published version is never edited, a
change is a new file (see that folder's README.md). Every text exists in every language of
LANGUAGES. Conditions (``show_if``, a signal rule's ``when``) are parsed into Condition trees
(questionnaires.conditions) and evaluated in questionnaires.logic; signal rules are applied in
questionnaires.scoring. The dataclasses live in questionnaires.template and the validation in
questionnaires.template_parser; this module is what callers import. Documented in
docs/questionnaires.md.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from questionnaires.conditions import Condition
from questionnaires.template import (
    FEE_RULE,
    INDICATORS,
    LANGUAGES,
    MONEY_LIMIT,
    QUESTION_TYPES,
    STRENGTHS,
    TEXT_MAX,
    Option,
    Question,
    Section,
    SignalRule,
    Template,
    TemplateError,
    pick_language,
    tr,
)
from questionnaires.template_parser import parse_template

__all__ = [
    "FEE_RULE",
    "INDICATORS",
    "LANGUAGES",
    "MONEY_LIMIT",
    "QUESTION_TYPES",
    "STRENGTHS",
    "TEMPLATES_DIR",
    "TEXT_MAX",
    "Condition",
    "Option",
    "Question",
    "Section",
    "SignalRule",
    "Template",
    "TemplateError",
    "builtin",
    "get_template",
    "latest_versions",
    "load_directory",
    "load_file",
    "parse_template",
    "pick_language",
    "same_questions",
    "tr",
]

TEMPLATES_DIR = Path(__file__).resolve().parent / "data" / "templates"
_FILE_NAME = re.compile(r"^v([1-9][0-9]{0,5})\.json$")


class _DuplicateKey(ValueError):
    pass


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k for k, _ in pairs]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise _DuplicateKey(f"duplicate JSON key(s) {duplicates}")
    return dict(pairs)


def load_file(path: Path) -> Template:
    try:
        data = json.loads(path.read_text(encoding="utf-8"), object_pairs_hook=_no_duplicate_keys)
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise TemplateError(f"{path}: not a valid template file: {exc}") from None
    return parse_template(data, source=str(path))


def load_directory(root: Path) -> dict[str, dict[int, Template]]:
    """Every ``root/<key>/v<N>.json``, checked against its folder and file name.

    A question code keeps its type in every version of a template: answers are reused across
    versions by code (same_questions), so a code whose meaning changes needs a new code.
    """
    found: dict[str, dict[int, Template]] = {}
    for folder in sorted(p for p in Path(root).iterdir() if p.is_dir()):
        versions: dict[int, Template] = {}
        for path in sorted(folder.iterdir()):
            match = _FILE_NAME.match(path.name)
            if not match:
                continue
            template = load_file(path)
            if template.key != folder.name or template.version != int(match[1]):
                raise TemplateError(f"{path}: holds {template.key!r} version {template.version}; "
                                    f"the file name says {folder.name!r} version {match[1]}")
            versions[template.version] = template
        if versions:
            _check_codes_keep_types(versions, folder)
            found[folder.name] = dict(sorted(versions.items()))
    return found


def _check_codes_keep_types(versions: Mapping[int, Template], folder: Path) -> None:
    types: dict[str, tuple[str, int]] = {}
    for version, template in sorted(versions.items()):
        for q in template.questions:
            before = types.setdefault(q.code, (q.type, version))
            if before[0] != q.type:
                raise TemplateError(
                    f"{folder / f'v{version}.json'}: question {q.code} is a {q.type} question "
                    f"but a {before[0]} one in version {before[1]}; a changed question needs a "
                    "new code"
                )


@cache
def _builtin() -> dict[str, dict[int, Template]]:
    return load_directory(TEMPLATES_DIR)


def builtin() -> dict[str, dict[int, Template]]:
    """The built-in templates by key and version (loaded once; a copy, so callers may mutate)."""
    return {key: dict(versions) for key, versions in _builtin().items()}


def get_template(key: str, version: int | None = None, *,
                 templates: Mapping[str, Mapping[int, Template]] | None = None) -> Template:
    """The template `key` at `version` (None = latest). KeyError if unknown.

    `templates` (a load_directory result) replaces the built-in ones, e.g. in tests.
    """
    versions = (_builtin() if templates is None else templates).get(key)
    if not versions:
        raise KeyError(f"Unknown questionnaire template {key!r}")
    if version is None:
        return versions[max(versions)]
    if isinstance(version, bool) or version not in versions:
        raise KeyError(f"Questionnaire template {key!r} has no version {version!r}")
    return versions[version]


def latest_versions(*, templates: Mapping[str, Mapping[int, Template]] | None = None
                    ) -> dict[str, int]:
    source = _builtin() if templates is None else templates
    return {key: max(versions) for key, versions in sorted(source.items()) if versions}


def same_questions(a: Template, b: Template) -> bool:
    """Same key and same question codes: answers to one can start the other (answer once)."""
    return a.key == b.key and a.codes == b.codes
