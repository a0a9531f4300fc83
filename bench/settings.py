"""Settings of the benchmark server: the product's settings, read from the same environment, plus one
URL that only the benchmark has (``/bench/bare/``, see urls.py). Nothing else differs, so the bare
view runs through exactly the middleware stack, template engine and database settings of the pages
it is the ceiling for.
"""

from inspira.settings import *  # noqa: F403
from inspira.settings import BASE_DIR, TEMPLATES

ROOT_URLCONF = "bench.urls"
# The bare view's one-line template.
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "templates"]
