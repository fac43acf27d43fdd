"""One term per concept: every string of the page (both languages), every message the server
words for a person, and the French documents use the terms of web/glossary.json and none of
the other wordings it lists; its typography rules (minus signs, no fake subscripts, decimal
commas in French) hold too.

The page's strings are read by importing its modules in Node (tests/page_strings.mjs), the
server's from the string constants of its Python source (docstrings and identifiers left out).
"""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY: dict[str, Any] = json.loads((ROOT / "web" / "glossary.json").read_text(encoding="utf-8"))
LANGS = ("en", "fr")


def forbidden(lang: str) -> list[tuple[str, re.Pattern[str]]]:
    """(what it breaks, pattern) for every other wording and typography rule of `lang`."""
    rules = [
        (f"{c['concept']}: say “{c[lang]}”", re.compile(rf"(?<![\w-]){avoid}(?![\w-])", re.I))
        for c in GLOSSARY["concepts"] for avoid in c["avoid"][lang]
    ]
    rules += [(rule["rule"], re.compile(rule[key])) for rule in GLOSSARY["typography"]
              for key in ("both", lang) if key in rule]
    return rules


def prose(text: str) -> str:
    """The words a reader reads: placeholders, code, addresses, file names and the glossary's
    literal examples left out."""
    for literal in GLOSSARY["literal"]:
        text = text.replace(literal, " ")
    text = re.sub(r"```.*?```", " ", text, flags=re.S)
    text = re.sub(r"`[^`]*`", " ", text)
    text = re.sub(r"\{\w+\}", " ", text)
    text = re.sub(r"\]\([^)]*\)", "]", text)  # Markdown link targets
    text = re.sub(r"https?://\S+|\S+\.(?:py|js|json|md|csv|db)\b", " ", text)
    return re.sub(r"\?[\w=&.,:;-]+", " ", text)  # page links such as ?dataset=spiral&lr=0.1


def offences(texts: dict[str, str], lang: str) -> list[str]:
    return [f"{where}: {why}: …{m.group(0)}… in {text!r}"
            for where, text in texts.items() for why, pattern in forbidden(lang)
            for m in [pattern.search(prose(text))] if m]


@cache
def page_strings() -> dict[str, dict[str, dict[str, str]]]:
    """{"module export": {"en": {key: text}, "fr": {...}}} for every string table of the page."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed (tsc needs it too)")
    out = subprocess.run([node, str(ROOT / "tests" / "page_strings.mjs")], capture_output=True,
                         text=True, check=True, timeout=60)
    tables: dict[str, dict[str, dict[str, str]]] = json.loads(out.stdout)
    return tables


def page_texts(lang: str) -> dict[str, str]:
    return {f"{module} {key}": text for module, table in page_strings().items()
            for key, text in table.get(lang, {}).items()}


def server_messages() -> dict[str, str]:
    """The words of every error the server and the engine raise (the string constants inside a
    `raise` or an `...Error(...)` call that hold a space): what an `error` reply carries."""
    found = {}
    for path in sorted([*(ROOT / "server").rglob("*.py"), *(ROOT / "engine").rglob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            called = node.func if isinstance(node, ast.Call) else None
            name = (called.id if isinstance(called, ast.Name)
                    else called.attr if isinstance(called, ast.Attribute) else "")
            if isinstance(node, ast.Raise) or name.endswith("Error"):
                for part in ast.walk(node):
                    if isinstance(part, ast.Constant) and isinstance(part.value, str) \
                            and " " in part.value:
                        found[f"{path.relative_to(ROOT)}:{part.lineno}"] = part.value
    return found


def french_documents() -> dict[str, str]:
    """The French guides, and the French half of the bilingual ones, by paragraph."""
    texts = {path.name: path.read_text(encoding="utf-8")
             for path in sorted((ROOT / "docs").glob("*.fr.md"))}
    search = (ROOT / "docs" / "search.md").read_text(encoding="utf-8")
    texts["search.md (français)"] = search[search.index("\n## En classe"):]
    return {f"{name} ¶{n}": paragraph for name, text in texts.items()
            for n, paragraph in enumerate(text.split("\n\n"), 1) if not paragraph.startswith("#")}


@pytest.mark.parametrize("lang", LANGS)
def test_every_string_of_the_page_uses_the_glossary_terms(lang: str) -> None:
    assert offences(page_texts(lang), lang) == []


def test_every_server_message_uses_the_english_glossary_terms() -> None:
    assert offences(server_messages(), "en") == []


def test_the_french_documents_use_the_glossary_terms() -> None:
    assert offences(french_documents(), "fr") == []


@pytest.mark.parametrize("lang", LANGS)
def test_every_glossary_term_is_the_one_the_page_uses(lang: str) -> None:
    text = "\n".join(page_texts(lang).values()).lower()
    unused = [c[lang] for c in GLOSSARY["concepts"] if c[lang].lower() not in text]
    assert unused == []


def test_the_check_finds_other_wordings_and_spares_the_terms() -> None:
    wrong = {"a": "le gradient qui s’évanouit", "b": "le surapprentissage", "c": "Uniforme [-1, 1]",
             "d": "Σ꜀ e^z꜀", "e": "un pas de 0.5", "f": "la valeur du playground"}
    assert len(offences(wrong, "fr")) == len(wrong)
    right = {"a": "Gradient évanescent, sur-apprentissage, uniforme [−1, 1], 0,5, NN Playground",
             "b": "{units} neurones, `config.seed`, ?lr=0.1"}
    assert offences(right, "fr") == []
    assert len(offences({"a": "8 hidden units", "b": "the final costs"}, "en")) == 2
    assert offences({"a": "{units} neurons, the loss, x-1, 1–5"}, "en") == []
