"""Static files as served outside tests: collectstatic writes hashed names with gzip and
Brotli copies (CompressedManifestStaticFilesStorage), and WhiteNoise serves a hashed name with
far-future caching and the compressed copy the browser accepts."""

from __future__ import annotations

import json

from django.core.management import call_command
from django.http import HttpResponse
from django.test import RequestFactory

MANIFEST_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"
TEN_YEARS = 10 * 365 * 24 * 60 * 60


def _collect(settings, tmp_path) -> dict[str, str]:
    # The platform's own stylesheet only: compressing every admin script at Brotli's best
    # level takes minutes on a busy machine and tests nothing more.
    source = tmp_path / "source" / "css"
    source.mkdir(parents=True)
    stylesheet = settings.BASE_DIR / "skillcert" / "static" / "css" / "skillcert.css"
    (source / "skillcert.css").write_bytes(stylesheet.read_bytes())
    settings.STATICFILES_DIRS = [source.parent]
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = settings.STORAGES | {"staticfiles": {"BACKEND": MANIFEST_STORAGE}}
    settings.WHITENOISE_AUTOREFRESH = False
    settings.WHITENOISE_USE_FINDERS = False
    call_command("collectstatic", "--noinput", "-v", "0")
    manifest = json.loads((settings.STATIC_ROOT / "staticfiles.json").read_text())
    return dict(manifest["paths"])


def test_collectstatic_writes_hashed_and_compressed_copies(settings, tmp_path):
    paths = _collect(settings, tmp_path)
    hashed = settings.STATIC_ROOT / paths["css/skillcert.css"]
    assert hashed.name != "skillcert.css" and hashed.exists()
    assert hashed.with_name(hashed.name + ".gz").exists()
    assert hashed.with_name(hashed.name + ".br").exists()


def test_hashed_files_are_cached_for_years_and_served_compressed(db, settings, tmp_path):
    from whitenoise.middleware import WhiteNoiseMiddleware

    paths = _collect(settings, tmp_path)
    serve = WhiteNoiseMiddleware(lambda request: HttpResponse(status=404))
    hashed = RequestFactory().get(
        f"/static/{paths['css/skillcert.css']}", HTTP_ACCEPT_ENCODING="gzip, br"
    )
    response = serve(hashed)
    assert response.status_code == 200
    assert response["Content-Encoding"] == "br"
    assert f"max-age={TEN_YEARS}" in response["Cache-Control"]
    assert "immutable" in response["Cache-Control"]
    plain = serve(RequestFactory().get("/static/css/skillcert.css"))
    assert plain.status_code == 200
    assert "immutable" not in plain["Cache-Control"]  # an unhashed name may change
    response.close()
    plain.close()
