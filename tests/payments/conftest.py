import pytest


@pytest.fixture(autouse=True)
def _receipts_in_a_temporary_folder(media_root):
    """Uploads in these tests never land in var/media."""
