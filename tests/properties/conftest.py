"""Hypothesis profiles for the property tests: a quick one for every run, a deep one by hand.

    python -m pytest tests/properties                          # seconds, the same examples each run
    HYPOTHESIS_PROFILE=deep python -m pytest tests/properties  # thousands of new examples: minutes
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# Every example runs real parsing and a whole estimate: hypothesis' speed checks would fail
# on a loaded machine, not on a slow paramtui (the benchmark watches that).
_SLOW_IS_FINE = [HealthCheck.too_slow, HealthCheck.data_too_large]

# derandomize: a normal run tries the same examples every time, so a red test is a change in
# paramtui, not bad luck; the deep profile explores and remembers what failed (.hypothesis/).
settings.register_profile("paramtui-quick", max_examples=12, deadline=None, derandomize=True,
                          database=None, suppress_health_check=_SLOW_IS_FINE)
settings.register_profile("deep", max_examples=1500, deadline=None, suppress_health_check=_SLOW_IS_FINE)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "paramtui-quick"))
