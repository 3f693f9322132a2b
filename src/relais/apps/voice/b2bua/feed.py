"""The offers feed as the B2BUA reads it, on the record's worker thread.

The first read after taking over starts the feed (`offers.feed_start`: the log's end, then the
offers standing now, rung again); later reads poll it. A standby does not read it.
"""

from __future__ import annotations

from relais.apps.voice import offers


class FeedReader:
    def __init__(self) -> None:
        self.feed: offers.OffersFeed | None = None
        self.following = False  # set on the reactor when this process becomes active

    def restart(self) -> None:
        self.feed = None

    def __call__(self) -> list[offers.Command]:
        if not self.following:
            return []
        if self.feed is None:
            self.feed, pending = offers.feed_start()
            return list(pending)
        return self.feed.poll()
