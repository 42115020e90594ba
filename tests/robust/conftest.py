"""The robustness tests read what the app notified the same way the screen tests do."""

from tests.notices import record_notices  # noqa: F401  (autouse)
