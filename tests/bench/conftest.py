import pytest

from lus.bench.generator import Options, generate

# Filed PDFs (the generator's shared dummy PDF) go to a temporary archive in every test.
from tests.documents.conftest import archive_storage  # noqa: F401


def make_data(**kw) -> dict:
    opts = {"municipalities": 5, "leaders": 40, "years": 2, "progress": lambda msg: None, **kw}
    return generate(Options(**opts))


@pytest.fixture
def bench_data(db):
    return make_data()
