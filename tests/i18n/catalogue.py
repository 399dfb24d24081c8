"""Read the Khmer catalogue: (msgid, msgid_plural, msgstrs) for every entry."""

import ast
import re
from pathlib import Path

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "km" / "LC_MESSAGES" / "django.po"
GLOSSARY = CATALOGUE.parents[1] / "GLOSSARY.tsv"

_LINE = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+(".*")$')


def entries(path: Path = CATALOGUE) -> list[dict]:
    found, current, key = [], {}, None
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            if current.get("msgid") is not None and key and key.startswith("msgstr"):
                found.append(current)
                current, key = {}, None
            continue
        match = _LINE.match(line)
        if match:
            key, text = match.group(1), ast.literal_eval(match.group(2))
            if key == "msgid" and current.get("msgid") is not None:
                found.append(current)
                current = {}
            current[key] = text
        elif line.startswith('"') and key:
            current[key] += ast.literal_eval(line)
    if current.get("msgid") is not None:
        found.append(current)
    return [
        {
            "msgid": e["msgid"],
            "msgid_plural": e.get("msgid_plural", ""),
            "msgstrs": [v for k, v in e.items() if k.startswith("msgstr")],
        }
        for e in found
        if e["msgid"]
    ]


def glossary(path: Path = GLOSSARY) -> list[dict]:
    """Each concept: the English pattern found in msgids, the one Khmer term, the variants
    that must not appear anywhere."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        concept, pattern, term, *forbidden = line.split("\t")
        variants = [v for v in (forbidden[0].split(",") if forbidden else []) if v.strip()]
        rows.append(
            {
                "concept": concept,
                "pattern": re.compile(pattern, re.IGNORECASE),
                "term": term,
                "forbidden": [re.compile(v.strip()) for v in variants],
            }
        )
    return rows
