"""The fault tests' settings with a slow invoice PDF renderer (``tests.fault.slow_render``): a worker
announces which invoice it renders in a marker file and then sleeps, so a test can kill it mid-render."""

from tests.fault.settings import *  # noqa: F403
from tests.fault.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.fault.slow_render"]
