"""How long a lease held by an instance lasts, and how often it is renewed and looked for.

Instances sharing one database divide work (tasks in flight, Discord shards) by leases: the holder
renews its lease, and when it stops (it died, or lost the database) another instance takes the
work over. ``lease_s`` (``bot.lease_s``) is the promise made to operators: the work of an instance
that dies is taken over within ``lease_s`` of its death. So a lease is written for two thirds of
it and renewed every sixth (a live instance must miss three renewals in a row to lose it), and the
others look every sixth: a dead instance's lease runs out at most 2/3 of ``lease_s`` after its
death and is noticed at most 1/6 later, leaving the last sixth for the takeover itself.
"""

from __future__ import annotations

HELD_SHARE = 2 / 3
PERIOD_SHARE = 1 / 6
MIN_PERIOD_S = 0.05


def lease_end(now: float, lease_s: float) -> float:
    """Until when a lease taken or renewed ``now`` holds."""
    return now + lease_s * HELD_SHARE


def period(lease_s: float) -> float:
    """How often a holder renews its leases, and how often the others look for expired ones."""
    return max(MIN_PERIOD_S, lease_s * PERIOD_SHARE)
