"""JSON Schema for the dataset files, exported from the model.

Editors' editors (VS Code with the YAML extension, JetBrains) read the
``# yaml-language-server: $schema=…`` line at the top of each file and then
complete field names and show each field's guidance while typing.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import TypeAdapter

from .model import RECORD_TYPES
from .units import Unit

# The dataset's files, and the digest's optional unit file.
SCHEMA_TYPES = {**RECORD_TYPES, "units": Unit}


def schema_for(kind: str) -> dict:
    record = SCHEMA_TYPES[kind]
    schema = TypeAdapter(list[record]).json_schema()  # type: ignore[valid-type]
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"stats/{kind}.yaml"
    schema["description"] = (record.__doc__ or "").strip() + " A list of records; see CONTRIBUTING.md."
    return schema


def write_schemas(folder: Path, check: bool = False) -> list[str]:
    """Write (or, with ``check``, compare) one schema per file kind; return the stale ones."""
    folder.mkdir(parents=True, exist_ok=True)
    stale = []
    for kind in SCHEMA_TYPES:
        path = folder / f"{kind}.schema.json"
        text = json.dumps(schema_for(kind), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            stale.append(path.name)
            if not check:
                path.write_text(text, encoding="utf-8")
    return stale
