"""The shape of the code, read from its imports: edges -> services -> models, no cycle
between apps, no import hidden inside a function to dodge one, and pure modules free of
Django.

Each app is seen as up to three layers: its **edges** (views, forms, admin, templates tags,
tasks and periodic jobs, the pages and API apps), its **services** (the modules that change
things or build their side effects, and the reads pages share: ``services``, ``selectors``,
``notifications``…) and the rest (models and pure rules). An import from one app's layer to
another's draws an arrow; imports under ``if TYPE_CHECKING:`` are for the type checker only
and draw none.
"""

from __future__ import annotations

import ast
import tomllib
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "comptoir"

EDGE_APPS = {"portal", "desk", "api"}
EDGE_MODULES = {
    "views",
    "forms",
    "admin",
    "urls",
    "tasks",
    "apps",
    "middleware",
    "demo",
    "presets",
    "scan",
    "automations",
    "inspect",
    "lmtp",
    "imap",
}
SERVICE_MODULES = {
    "services",
    "selectors",
    "notifications",
    "mails",
    "notices",
    "sending",
    "delivery",
    "digest",
    "digest_delivery",
    "announcements",
    "subscriptions",
    "imports",
    "audiences",
}
SHARED = {"core"}  # the pieces every app uses: errors, clock, outbox, cache


def layer_of(parts: tuple[str, ...]) -> str:
    """``parts``: a module's path under src/comptoir, without ``.py``."""
    app, name = parts[0], parts[-1]
    if app in EDGE_APPS:
        return f"{app}:edges"
    if (
        name in EDGE_MODULES
        or name.endswith(("_views", "_forms"))
        or {"templatetags", "management"} & set(parts)
    ):
        return f"{app}:edges"
    if name in SERVICE_MODULES or "services" in parts or (app == "mail" and "inbound" in parts):
        return f"{app}:services"
    return app


def module_parts(name: str) -> tuple[str, ...] | None:
    parts = tuple(name.split(".")[1:])
    if not parts:
        return None
    if SRC.joinpath(*parts).with_suffix(".py").exists():
        return parts
    if (SRC.joinpath(*parts) / "__init__.py").exists():
        return (*parts, "__init__")
    return None


def sources() -> list[tuple[tuple[str, ...], Path]]:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        parts = path.relative_to(SRC).with_suffix("").parts
        if len(parts) >= 2 and "migrations" not in parts:
            found.append((parts, path))
    return found


class Imports(ast.NodeVisitor):
    """Every ``comptoir.*`` module a file imports at run time, and whether from inside a
    function (a deferred import)."""

    def __init__(self) -> None:
        self.found: list[tuple[str, int, bool]] = []
        self.depth = 0

    def visit_If(self, node: ast.If) -> None:
        if "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.orelse:
                self.visit(child)
            return
        self.generic_visit(node)

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.module and node.module.startswith("comptoir."):
            # ``from comptoir.tickets import history``: the module, else the package.
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                self.found.append((full if module_parts(full) else node.module, node.lineno, self.depth > 0))

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name.startswith("comptoir."):
                self.found.append((alias.name, node.lineno, self.depth > 0))


def arrows() -> dict[str, dict[str, list[str]]]:
    drawn: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for parts, path in sources():
        if parts[0] in SHARED:
            continue
        here = layer_of(parts)
        reader = Imports()
        reader.visit(ast.parse(path.read_text(), str(path)))
        for name, line, _deferred in reader.found:
            target = module_parts(name)
            if target is None or target[0] in SHARED:
                continue
            there = layer_of(target)
            if there != here:
                drawn[here][there].append(f"{path.relative_to(SRC)}:{line}")
    return drawn


def cycles(drawn: dict[str, dict[str, list[str]]]) -> list[list[str]]:
    """Strongly connected groups of more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in drawn.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(set(drawn) | {t for targets in drawn.values() for t in targets}):
        if node not in index:
            visit(node)
    return found


def app(node: str) -> str:
    return node.split(":")[0]


def test_no_cycle_between_apps():
    drawn = arrows()
    between = [group for group in cycles(drawn) if len({app(n) for n in group}) > 1]
    explained = [
        f"{a} -> {b}: {drawn[a][b][:3]}" for group in between for a in group for b in drawn[a] if b in group
    ]
    assert between == [], explained


def test_services_and_models_never_import_the_edges():
    upward = [
        f"{here} -> {there}: {where[:3]}"
        for here, targets in arrows().items()
        for there, where in targets.items()
        if there.endswith(":edges") and not here.endswith(":edges") and app(here) != app(there)
    ]
    assert upward == []


def test_no_import_of_another_app_is_hidden_inside_a_function():
    hidden = []
    for parts, path in sources():
        reader = Imports()
        reader.visit(ast.parse(path.read_text(), str(path)))
        for name, line, deferred in reader.found:
            target = module_parts(name)
            if deferred and target is not None and target[0] not in {parts[0], *SHARED}:
                hidden.append(f"{path.relative_to(SRC)}:{line} imports {name}")
    assert hidden == []


def test_the_check_sees_a_new_cycle(tmp_path, monkeypatch):
    """A services module of an app that imported the desk's views would close a loop."""
    probe = SRC / "sla" / "_probe_layers.py"
    probe.write_text("from comptoir.desk import views\n")
    try:
        drawn = arrows()
        assert "desk:edges" in drawn["sla"]
        monkeypatch.setitem(drawn["desk:edges"], "sla", ["desk/views.py:1"])
        assert any({"sla", "desk:edges"} <= set(group) for group in cycles(drawn))
    finally:
        probe.unlink()


def pure_modules() -> list[Path]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]["files"]
    paths: list[Path] = []
    for entry in config:
        path = ROOT / entry
        paths += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return paths


def test_pure_modules_import_no_django():
    """The modules type-checked strictly (business time, mail parsing, SLA clocks, the
    ticket history's reader…) run without Django: their imports, and the comptoir modules
    they import, never reach it."""
    pure = {p.resolve() for p in pure_modules()}
    offenders = []
    for path in sorted(pure):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            for name in names:
                if name.split(".")[0] == "django":
                    offenders.append(f"{path.relative_to(SRC)} imports {name}")
                elif name.startswith("comptoir."):
                    target = module_parts(name)
                    file = None if target is None else SRC.joinpath(*target).with_suffix(".py").resolve()
                    if file is not None and file not in pure and file.name != "__init__.py":
                        offenders.append(f"{path.relative_to(SRC)} imports {name}, which is not pure")
    assert offenders == []
