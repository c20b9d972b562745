import pytest

from skillcert.plans.tests.factories import hr, welder  # noqa: F401 - fixtures


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded evidence goes to a temporary folder, never the developer's var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
