#!/usr/bin/env python3
"""The troubleshooting pages' table of error codes, built from the desk's own source: every
``code="…"`` a refusal is raised with, and the message it says (as written in ``_()``; a
``{field}`` stands for what is filled in at the time).

    python scripts/error_codes.py          # rewrite the tables in docs/zh and docs/en
    python scripts/error_codes.py --check  # exit 1 when a table is not what the source says

Only the part of each page between the two markers is written; the advice above it is prose.
"""

from __future__ import annotations

import argparse
import ast
import gettext
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("models", "tui", "printers")
PAGES = {
    "zh_CN": ROOT / "docs" / "zh" / "troubleshooting.md",
    "en": ROOT / "docs" / "en" / "troubleshooting.md",
}
BEGIN = "<!-- error codes: made by scripts/error_codes.py; do not edit by hand -->"
END = "<!-- end of error codes -->"
AREAS = {
    "zh_CN": {
        "auth": "登录与权限",
        "backup": "备份与恢复",
        "bank": "银行流水",
        "batch": "单位批量受理",
        "campaign": "评审批次",
        "cli": "命令行",
        "config": "配置文件",
        "day": "日结",
        "db": "数据库",
        "export": "导出",
        "fee": "收费标准",
        "handover": "移交",
        "id": "身份证号",
        "import": "导入名单",
        "intake": "受理",
        "level": "级别",
        "money": "金额",
        "number": "编号",
        "online": "网上名单",
        "pay": "批量收费",
        "payment": "收费",
        "print": "打印任务",
        "printer": "打印机",
        "roster": "花名册",
        "row": "导入的行",
        "serve": "网页受理台",
        "summary": "汇总",
        "track": "申报类型",
        "user": "用户",
        "window": "报送时间",
    },
    "en": {
        "auth": "Logging in and permissions",
        "backup": "Backup and restore",
        "bank": "Bank statements",
        "batch": "Unit batches",
        "campaign": "Campaigns",
        "cli": "Command line",
        "config": "Config file",
        "day": "Day close",
        "db": "Database",
        "export": "Exports",
        "fee": "Fees",
        "handover": "Handover",
        "id": "ID numbers",
        "import": "Importing the list",
        "intake": "Intake",
        "level": "Levels",
        "money": "Amounts",
        "number": "Numbers",
        "online": "The online list",
        "pay": "Batch payments",
        "payment": "Fees taken",
        "print": "Print jobs",
        "printer": "Printers",
        "roster": "Rosters",
        "row": "Imported rows",
        "serve": "The browser desk",
        "summary": "Summary",
        "track": "Tracks",
        "user": "Users",
        "window": "Intake windows",
    },
}
HEADS = {"zh_CN": ("代码", "提示"), "en": ("Code", "The message")}
RUNTIME = {"zh_CN": "（内容在出错时生成）", "en": "(made when it happens)"}


def _msgid(node: ast.AST) -> str | None:
    """The message id of ``_("…")`` or ``_("…").format(…)``."""
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
    ):
        return _msgid(node.func.value)
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "_"
        and node.args
        and isinstance(node.args[0], ast.Constant)
    ):
        return str(node.args[0].value)
    return None


def _trees() -> list[ast.AST]:
    return [
        ast.parse(path.read_text(encoding="utf-8"))
        for top in SOURCES
        for path in sorted((ROOT / top).rglob("*.py"))
        if "migrations" not in path.parts
    ]


def _class_codes(trees: list[ast.AST]) -> dict[str, str]:
    """Each error class's own code (``class AccountLocked(DomainError): code = "auth.locked"``)."""
    out = {}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                for stmt in node.body:
                    if (
                        isinstance(stmt, ast.Assign)
                        and any(isinstance(t, ast.Name) and t.id == "code" for t in stmt.targets)
                        and isinstance(stmt.value, ast.Constant)
                        and isinstance(stmt.value.value, str)
                        and "." in stmt.value.value
                    ):
                        out[node.name] = stmt.value.value
    return out


def codes() -> dict[str, list[str]]:
    """Every error code of the source, with the messages raised with it: a ``code=`` given where
    it is raised, else the error class's own."""
    trees = _trees()
    by_class = _class_codes(trees)
    found: dict[str, list[str]] = {code: [] for code in by_class.values()}
    for tree in trees:
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            code = next(
                (
                    k.value.value
                    for k in node.keywords
                    if k.arg == "code"
                    and isinstance(k.value, ast.Constant)
                    and isinstance(k.value.value, str)
                    and "." in k.value.value
                ),
                None,
            )
            if code is None and isinstance(node.func, ast.Name):
                code = by_class.get(node.func.id)
            if code is None:
                continue
            messages = found.setdefault(code, [])
            message = _msgid(node.args[0]) if node.args else None
            if message and message not in messages:
                messages.append(message)
    return found


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())


def table(lang: str) -> str:
    translate = gettext.translation("desk", str(ROOT / "models" / "locale"), languages=[lang])
    by_area: dict[str, list[tuple[str, list[str]]]] = defaultdict(list)
    for code, messages in sorted(codes().items()):
        by_area[code.split(".")[0]].append((code, messages))
    out = [BEGIN, ""]
    for area in sorted(by_area, key=lambda a: AREAS[lang].get(a, a)):
        out += [
            f"### {AREAS[lang].get(area, area)} (`{area}.*`)",
            "",
            f"| {HEADS[lang][0]} | {HEADS[lang][1]} |",
            "|---|---|",
        ]
        for code, messages in by_area[area]:
            shown = "<br>".join(_cell(translate.gettext(m)) for m in messages) or RUNTIME[lang]
            out.append(f"| `{code}` | {shown} |")
        out.append("")
    out.append(END)
    return "\n".join(out)


def _replace(page: str, lang: str) -> str:
    head, _, rest = page.partition(BEGIN)
    _, _, tail = rest.partition(END)
    return head + table(lang) + tail


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    stale = []
    for lang, path in PAGES.items():
        page = path.read_text(encoding="utf-8")
        if BEGIN not in page or END not in page:
            print(f"{path}: the markers are missing", file=sys.stderr)
            return 1
        new = _replace(page, lang)
        if new != page:
            if args.check:
                stale.append(str(path.relative_to(ROOT)))
            else:
                path.write_text(new, encoding="utf-8")
                print(f"wrote {path.relative_to(ROOT)}")
    if stale:
        print("not what the source says (python scripts/error_codes.py): " + ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
