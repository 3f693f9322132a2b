"""Independent, seeded random streams, one per source, for common random numbers.

Every source of randomness (the arrivals of a queue, their handling times, their patience,
the routing of a channel shift...) draws from its own numpy generator, seeded from the
scenario's seed, the replication number and the source's name. Two scenarios run with the
same seed therefore see the same arrivals, handling times and patience wherever their
sources are the same, whatever else differs: paired differences have a small variance.
"""

from __future__ import annotations

import zlib

import numpy as np

__all__ = ["RandomStreams", "source_key"]


def source_key(name: str) -> int:
    """A stable 32-bit key for a source name (the same on every machine and run)."""
    return zlib.crc32(name.encode("utf-8"))


class RandomStreams:
    """`streams.generator("arrivals:orders-voice")`: the generator of one source.

    Asking twice for the same name gives the same generator object (draws continue).
    """

    __slots__ = ("_generators", "replication", "seed")

    def __init__(self, seed: int, replication: int) -> None:
        if seed < 0 or replication < 0:
            raise ValueError("seed and replication must not be negative")
        self.seed = seed
        self.replication = replication
        self._generators: dict[str, np.random.Generator] = {}

    def generator(self, name: str) -> np.random.Generator:
        found = self._generators.get(name)
        if found is None:
            sequence = np.random.SeedSequence(
                entropy=self.seed, spawn_key=(self.replication, source_key(name))
            )
            found = self._generators[name] = np.random.Generator(np.random.PCG64(sequence))
        return found

    def uniforms(self, name: str, count: int) -> np.ndarray:
        """`count` uniforms in (0, 1) from the source `name` (never exactly 0 or 1)."""
        values = self.generator(name).random(count)
        return np.clip(values, 1e-12, 1.0 - 1e-12)
