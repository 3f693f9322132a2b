"""A small solver-neutral integer linear model, so that CP-SAT and the LP relaxation solve
exactly the same formulation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(slots=True)
class Row:
    indices: list[int]
    coefficients: list[int]
    lower: int | None
    upper: int | None


@dataclass(slots=True)
class LinearModel:
    """Integer variables with bounds, linear rows ``lower <= a.x <= upper``, and a linear
    objective to minimise. All coefficients are integers (CP-SAT needs them)."""

    lower: list[int] = field(default_factory=list)
    upper: list[int] = field(default_factory=list)
    objective: dict[int, int] = field(default_factory=dict)
    rows: list[Row] = field(default_factory=list)

    @property
    def variables(self) -> int:
        return len(self.lower)

    @property
    def nonzeros(self) -> int:
        return sum(len(row.indices) for row in self.rows)

    def add_var(self, lower: int, upper: int, cost: int = 0) -> int:
        if upper < lower:
            raise ValueError("empty variable domain")
        self.lower.append(lower)
        self.upper.append(upper)
        index = len(self.lower) - 1
        if cost:
            self.objective[index] = cost
        return index

    def add_row(
        self,
        indices: Sequence[int],
        coefficients: Sequence[int],
        lower: int | None = None,
        upper: int | None = None,
    ) -> None:
        if len(indices) != len(coefficients):
            raise ValueError("indices and coefficients differ in length")
        if lower is None and upper is None:
            raise ValueError("a row needs a bound")
        self.rows.append(Row(list(indices), list(coefficients), lower, upper))

    def objective_value(self, values: Sequence[float]) -> float:
        return sum(cost * values[index] for index, cost in self.objective.items())
