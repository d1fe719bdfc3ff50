import pytest

from tests.conversations.factories import make_version


@pytest.fixture
def version(haderslev):
    """A published framework version in Haderslev (see ``make_version``)."""
    return make_version(haderslev)


@pytest.fixture
def chef(leader):
    """The leader's leader of the ``leader`` fixture."""
    return leader.manager
