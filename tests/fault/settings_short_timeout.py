"""Inspira's settings with a job timeout of two seconds, so a test can overrun it without waiting two minutes."""

from inspira.settings import *  # noqa: F403
from inspira.settings import Q_CLUSTER

Q_CLUSTER = {**Q_CLUSTER, "timeout": 2, "retry": 5}
