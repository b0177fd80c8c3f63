"""`ima-bot run` with cProfile on the main thread's CPU clock, switched on by SIGUSR1 and off (stats written
to the file named by the first argument) by SIGUSR2: the load bench wraps the bot in it when
IMA_BENCH_CPROFILE is set, and profiles exactly the window whose CPU it reports (a burst's commands until
their answers). The thread's CPU clock leaves out the time the process waits for a core on a shared
machine, and counts calls, which a sampler does not.

Usage: python -m bench.profiled OUT.pstats [ima-bot arguments...]
"""

from __future__ import annotations

import cProfile
import signal
import sys
import time
from types import FrameType


def main() -> int:
    out, argv = sys.argv[1], sys.argv[2:]
    profile = cProfile.Profile(time.thread_time)

    def start(_signum: int, _frame: FrameType | None) -> None:
        profile.enable()

    def stop(_signum: int, _frame: FrameType | None) -> None:
        profile.disable()
        profile.dump_stats(out)

    signal.signal(signal.SIGUSR1, start)
    signal.signal(signal.SIGUSR2, stop)
    from bot.cli import main as ima_bot

    return ima_bot(argv)


if __name__ == "__main__":
    sys.exit(main())
