"""Hypothesis profiles: `ci` (the default, bounded for `make test`) and `nightly` (`make fuzz`)."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# No example database: a failing example is printed with its seed, and CI starts clean.
settings.register_profile(
    "ci",
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "nightly",
    max_examples=5000,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
