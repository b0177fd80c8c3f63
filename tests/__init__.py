"""The test suite. Every process it runs (each xdist worker here, each ``ima-bot`` command a test starts,
which inherits the environment) keeps the parser's compiled patterns in one cache folder: see
bot/pattern_cache.py for why and how."""

import os
import tempfile

from bot.pattern_cache import ENV, install

os.environ.setdefault(ENV, os.path.join(tempfile.gettempdir(), f"ima-bot-test-patterns-{os.getuid()}"))
install()
