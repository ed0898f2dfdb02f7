from tests.conftest_mail import _smtp_controller, smtp  # noqa: F401 - fixtures
