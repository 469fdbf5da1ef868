"""Per-user and per-IP throttles whose rates are read at request time from
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] (so that a settings change applies at once); the
counters live in the Redis-backed Django cache."""

from __future__ import annotations

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class _LiveRates:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonThrottle(_LiveRates, AnonRateThrottle):
    scope = "anon"


class UserThrottle(_LiveRates, UserRateThrottle):
    scope = "user"
