import pytest


@pytest.fixture(autouse=True)
def archive_storage(settings, tmp_path):
    """Filed PDFs and logos go to a temporary directory in every test."""
    settings.STORAGES = {
        **settings.STORAGES,
        "archive": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "archive")},
        },
    }
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "archive"
