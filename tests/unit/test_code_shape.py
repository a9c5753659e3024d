"""The code's shape, as the house plan wants it: pages only wire sections (short files), and no
code is nested deeper than four blocks (statements inside if/for/while/with/try/match/def)."""

from __future__ import annotations

import ast
from pathlib import Path

from lib.core.config import ROOT

MAX_PAGE_LINES = 150
MAX_DEPTH = 4
PAGES = sorted([ROOT / "app.py", *(ROOT / "pages").glob("*.py")])
SOURCES = sorted([*PAGES, *(ROOT / "lib").rglob("*.py")])
BLOCKS = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith, ast.Try, ast.Match)
FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
if hasattr(ast, "TryStar"):
    BLOCKS += (ast.TryStar,)


def _children(node: ast.AST) -> list[tuple[list[ast.stmt], bool]]:
    """The statement lists under `node`, each with whether it opens a new level (an `elif` is an
    `if` alone in its parent's `else`, and stays at the parent's level)."""
    lists: list[tuple[list[ast.stmt], bool]] = []
    for field in ("body", "orelse", "finalbody"):
        stmts = getattr(node, field, None) or []
        is_elif = (
            field == "orelse"
            and isinstance(node, ast.If)
            and len(stmts) == 1
            and isinstance(stmts[0], ast.If)
        )
        lists.append((stmts, not is_elif))
    for handler in getattr(node, "handlers", []):
        lists.append((handler.body, True))
    for case in getattr(node, "cases", []):
        lists.append((case.body, True))
    return lists


def _deepest(stmts: list[ast.stmt], depth: int, where: list[tuple[int, int]]) -> None:
    """Record (line, depth) of every statement, `depth` counting the blocks it sits in, counted from
    the function (or module) that holds it."""
    for stmt in stmts:
        where.append((stmt.lineno, depth))
        if isinstance(stmt, FUNCTIONS):
            _deepest(stmt.body, 0, where)  # a function (or class) starts its own count
        elif isinstance(stmt, BLOCKS):
            for body, deeper in _children(stmt):
                _deepest(body, depth + 1 if deeper else depth, where)


def nesting(path: Path) -> int:
    """The deepest block nesting in the file: 0 for straight-line code, 1 inside one `if`..."""
    where: list[tuple[int, int]] = []
    _deepest(ast.parse(path.read_text(encoding="utf-8")).body, 0, where)
    return max((d for _, d in where), default=0)


def test_nesting_is_measured_as_blocks_inside_a_function():
    code = "def f():\n    if a:\n        for b in c:\n            pass\n    elif d:\n        pass\n"
    where: list[tuple[int, int]] = []
    _deepest(ast.parse(code).body, 0, where)
    assert max(d for _, d in where) == 2


def test_pages_only_wire_sections():
    long = {
        p.relative_to(ROOT).as_posix(): n
        for p in PAGES
        if (n := len(p.read_text().splitlines())) > MAX_PAGE_LINES
    }
    assert long == {}


def test_no_code_is_nested_more_than_four_deep():
    deep = {p.relative_to(ROOT).as_posix(): d for p in SOURCES if (d := nesting(p)) > MAX_DEPTH}
    assert deep == {}
