"""Dependencies between the apps point one way (README, "Architecture"): a lower app never imports
a higher one. Read from the source with ``ast``, so an import inside a function counts too."""

import ast
from pathlib import Path

import inspira

ROOT = Path(inspira.__file__).parent

# Lowest first. Apps on the same level may not import each other either.
LEVELS = [
    {"core", "einvoice", "formats"},  # formats: date formats for Django (FORMAT_MODULE_PATH), imports nothing
    {"schools"},
    {"accounts"},
    {"federation"},
    {"schoolyears"},
    {"programmes"},
    {"surveys"},
    {"events"},
    {"benchmarking", "efforts", "panel"},
    {"certification"},
    {"catalogue"},
    {"visits"},
    {"billing"},
    {"privacy"},
    {"portal"},
]
LEVEL = {app: number for number, apps in enumerate(LEVELS) for app in apps}


def _imported_apps(path: Path) -> set[tuple[str, int]]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            parts = name.split(".")
            if parts[0] == "inspira" and len(parts) > 1 and parts[1] in LEVEL:
                found.add((parts[1], node.lineno))
    return found


def test_every_app_has_a_level():
    apps = {path.parent.name for path in ROOT.glob("*/__init__.py")}
    assert apps == set(LEVEL)


def test_no_app_imports_a_higher_or_sibling_app():
    wrong = []
    for app, level in LEVEL.items():
        for path in sorted((ROOT / app).rglob("*.py")):
            for imported, line in _imported_apps(path):
                if imported != app and LEVEL[imported] >= level:
                    wrong.append(f"{path.relative_to(ROOT.parent)}:{line} imports inspira.{imported}")
    assert not wrong, "Imports against the direction of the dependencies:\n" + "\n".join(sorted(wrong))
