"""Docs that cannot rot: every CLI command, question template and setting is documented."""
from __future__ import annotations

import re
from pathlib import Path

from kg.ask import QUESTIONS_DIR
from kg.cli import app

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = README + "".join(p.read_text(encoding="utf-8") for p in (ROOT / "docs").glob("*.md"))


def test_docs_every_cli_command_is_in_the_readme():
    for command in app.registered_commands:
        name = command.name or command.callback.__name__.replace("_", "-")
        assert f"crmkg {name}" in README, name


def test_docs_every_question_template_is_in_the_readme():
    for path in QUESTIONS_DIR.glob("*.rq"):
        assert f"`{path.stem}`" in README, path.stem


def test_docs_every_setting_is_documented():
    code = "".join(p.read_text(encoding="utf-8") for folder in ("kg", "api", "extractors")
                   for p in (ROOT / folder).rglob("*.py"))
    for setting in sorted(set(re.findall(r"CRMKG_[A-Z_]+", code))):
        assert setting in DOCS, setting
