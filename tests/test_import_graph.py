"""No import cycle anywhere in `src/`: between two modules, nor between two apps.

The layers between the apps are import-linter contracts (pyproject.toml, `make lint`); this
test adds what a contract cannot say: no module of `relais` reaches back to a module that
imports it. Imports under `if TYPE_CHECKING:` count too. See docs/architecture.md.
"""

from __future__ import annotations

import functools

import grimp


@functools.cache
def _graph() -> grimp.ImportGraph:
    return grimp.build_graph("relais", cache_dir=None)


def _app(module: str) -> str:
    """`relais.apps.chat.services` -> `relais.apps.chat`; `relais.core.kpi` -> `relais.core`."""
    parts = module.split(".")
    return ".".join(parts[:3] if parts[1] == "apps" and len(parts) > 2 else parts[:2])


def test_no_module_imports_one_that_imports_it_back() -> None:
    # given the import graph of every module of relais
    graph = _graph()
    # when every direct import is followed back
    cycles = sorted(
        f"{module} -> {imported} -> ... -> {module}"
        for module in graph.modules
        for imported in graph.find_modules_directly_imported_by(module)
        if graph.chain_exists(importer=imported, imported=module)
    )
    # then none comes back
    assert cycles == []


def _reaches(uses: set[tuple[str, str]], start: str, goal: str) -> bool:
    seen, todo = {start}, [start]
    while todo:
        here = todo.pop()
        for importer, imported in uses:
            if importer == here and imported not in seen:
                if imported == goal:
                    return True
                seen.add(imported)
                todo.append(imported)
    return False


def test_no_app_imports_an_app_that_imports_it_back() -> None:
    # given which app imports which, module by module (core, config, demo, cli count as apps)
    graph = _graph()
    uses = {
        (_app(module), _app(imported))
        for module in graph.modules
        for imported in graph.find_modules_directly_imported_by(module)
        if _app(module) != _app(imported)
    }
    # when each use is followed back through the other apps
    cycles = sorted(f"{a} -> {b} -> ... -> {a}" for a, b in uses if _reaches(uses, b, a))
    # then no app reaches back to one that uses it
    assert cycles == []
