import pytest

from lus.bench.generator import Options, generate


@pytest.fixture(autouse=True)
def archive_storage(settings, tmp_path):
    """The generator's shared dummy PDF goes to a temporary archive in every test."""
    settings.STORAGES = {
        **settings.STORAGES,
        "archive": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "archive")},
        },
    }
    return tmp_path / "archive"


def make_data(**kw) -> dict:
    opts = {"municipalities": 5, "leaders": 40, "years": 2, "progress": lambda msg: None, **kw}
    return generate(Options(**opts))


@pytest.fixture
def bench_data(db):
    return make_data()
