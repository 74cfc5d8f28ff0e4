"""``docs/lectures.md``: every demo has its section, and every picture it shows is committed."""

from __future__ import annotations

import re
from pathlib import Path

from numnet import lectures

DOCS = Path(__file__).resolve().parents[2] / "docs"
GUIDE = DOCS / "lectures.md"


def test_every_demo_has_a_section_in_lecture_order():
    headings = re.findall(r"(?m)^## \d+\. (\S+)$", GUIDE.read_text(encoding="utf-8"))
    assert headings == lectures.names()


def test_every_picture_referenced_exists_and_every_committed_picture_is_used():
    text = GUIDE.read_text(encoding="utf-8")
    referenced = set(re.findall(r"\]\((img/lectures/[\w.-]+\.png)\)", text))
    assert referenced, "the guide shows no pictures"
    for path in referenced:
        assert (DOCS / path).is_file(), path
    committed = {f"img/lectures/{p.name}" for p in (DOCS / "img" / "lectures").glob("*.png")}
    assert committed == referenced


def test_the_readme_links_the_guide():
    readme = (DOCS.parent / "README.md").read_text(encoding="utf-8")
    assert "docs/lectures.md" in readme
