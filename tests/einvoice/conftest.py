import time

import pytest

from inspira.einvoice import validate


@pytest.fixture(scope="session", autouse=True)
def compiled_rules():
    """Compile the XSDs and both Schematrons once for the whole session."""
    started = time.perf_counter()
    validate.compile_rules()
    return time.perf_counter() - started

