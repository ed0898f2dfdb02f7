"""Tierlight: the application factory, the composition root of every package."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    register_config(app, config)
    register_routing(app)
    register_logging(app)
    register_database(app)
    register_security(app)
    register_shell(app)
    register_domains(app)
    register_queue(app)
    register_errors(app)
    register_cli(app)
    return app


def register_config(app: Flask, config: Mapping[str, Any] | None) -> None:
    from app.config import load_config

    app.config.from_mapping(load_config())
    if config:
        app.config.from_mapping(config)
    app.instance_path = app.config["INSTANCE_PATH"]
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)


def register_routing(app: Flask) -> None:
    from app.apischema import BoundedIntConverter

    app.url_map.converters["int"] = BoundedIntConverter  # before any route is added


def register_logging(app: Flask) -> None:
    import logging

    if not app.debug and not app.testing:
        handler = logging.StreamHandler()
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s")
        )
        app.logger.handlers[:] = [handler]
        app.logger.setLevel(logging.INFO)


def register_database(app: Flask) -> None:
    from app.db import Database

    Database(app)


def register_security(app: Flask) -> None:
    from app.security import init_security

    init_security(app)


def register_shell(app: Flask) -> None:
    from app import apidocs, openapi, templating
    from app.auth import api as auth_api
    from app.auth import views as auth_views
    from app.views import bp as main_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_views.bp)
    app.register_blueprint(auth_api.bp)
    app.register_blueprint(openapi.bp)
    app.register_blueprint(apidocs.bp)
    templating.init_app(app)
    from app import deferred, people

    deferred.init_app(app)

    people.init_app(app)


def register_domains(app: Flask) -> None:
    """Every domain package, in layer order: each exposes `contribution() -> Package`."""
    import audits
    import grievances
    import questionnaires
    import reports
    import risk
    import suppliers
    from app.registry import register_package

    for package in (suppliers, questionnaires, audits, grievances, risk, reports):
        register_package(app, package.contribution())


def register_queue(app: Flask) -> None:
    from app import (
        mail,  # noqa: F401 - declares the outbox's tasks
        queue,
    )
    from app.activity.checkpoints import daily_checkpoint
    from app.jobs import api as jobs_api
    from app.jobs import runner  # noqa: F401 - declares the job task and the stale-job sweep
    from app.registry import registry

    queue.init_app(app)
    queue.daily(daily_checkpoint, app)  # seal the activity chains once a day
    app.register_blueprint(jobs_api.bp)
    registry(app).openapi_schemas["Job"] = jobs_api.JOB_SCHEMA


def register_errors(app: Flask) -> None:
    from app.handlers import register_error_handlers

    register_error_handlers(app)


def register_cli(app: Flask) -> None:
    from app.cli import init_app

    init_app(app)
