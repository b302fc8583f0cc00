#!/usr/bin/env python3
"""Checks exported Follow the Money entities with the reference implementation.

Usage: python3 tests/ftm_check.py FILE.ftm.json...

Creates a virtual environment (target/ftm-check-venv) with followthemoney 4.11.2 from PyPI on
first use and runs itself inside it. For every entity of every file (one JSON object per line):

- the schema exists and is not abstract, and every required property has a value;
- `Schema.validate` accepts the entity;
- `model.get_proxy(data, cleaned=False).to_dict()["properties"]` equals what was written, and
  the proxy's id is the written id: the package normalises values and silently drops invalid
  ones and unknown properties, so only equality shows that nothing was lost;
- every value of an entity-typed property names an entity of the same file.

Stops at the first entity that fails, prints why, and exits 1. Ends with a line
"N passed, N failed" (entities), exit 0 only when all passed and there was at least one.
"""

import json
import os
import subprocess
import sys
import venv

PIN = "followthemoney==4.11.2"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(ROOT, "target", "ftm-check-venv")


def ensure_venv():
    """Re-runs this script inside the virtual environment, creating it if needed."""
    python = os.path.join(VENV, "bin", "python")
    if os.path.realpath(sys.prefix) == os.path.realpath(VENV):
        return
    marker = os.path.join(VENV, PIN)
    if not os.path.exists(marker):
        print(f"creating {VENV} with {PIN}", file=sys.stderr)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
        subprocess.run(
            [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", PIN],
            check=True,
        )
        open(marker, "w").close()
    os.execv(python, [python, os.path.abspath(__file__), *sys.argv[1:]])


def check_entity(model, data, known_ids):
    """Returns None when the entity passes, else why it fails."""
    from followthemoney.exc import InvalidData

    schema = model.get(data.get("schema"))
    if schema is None:
        return f"unknown schema {data.get('schema')!r}"
    if schema.abstract:
        return f"abstract schema {schema.name}"
    written = data.get("properties", {})
    for name in schema.required:
        if not written.get(name):
            return f"required property {name} has no value"
    for name, values in written.items():
        if name not in schema.properties:
            return f"{schema.name} has no property {name!r}"
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            return f"{name}: values must be a list of strings"
    try:
        schema.validate(data)
    except InvalidData as error:
        return f"Schema.validate: {error.errors}"
    proxy = model.get_proxy(data, cleaned=False)
    if proxy.id != data.get("id"):
        return f"the id {data.get('id')!r} reads back as {proxy.id!r}"
    read_back = proxy.to_dict()["properties"]
    if read_back != written:
        lost = {
            name: {"written": values, "read back": read_back.get(name)}
            for name, values in written.items()
            if read_back.get(name) != values
        }
        added = {name: v for name, v in read_back.items() if name not in written}
        return f"properties changed by get_proxy: {lost} {added or ''}".rstrip()
    for name, values in written.items():
        if schema.properties[name].type.name == "entity":
            missing = [v for v in values if v not in known_ids]
            if missing:
                return f"{name} names entities not in the file: {missing}"
    return None


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    ensure_venv()
    from followthemoney import model

    passed = failed = 0
    for path in sys.argv[1:]:
        try:
            with open(path, encoding="utf-8") as handle:
                lines = [(n, line) for n, line in enumerate(handle, 1) if line.strip()]
        except (OSError, UnicodeDecodeError) as error:
            print(f"{path}: cannot read: {error}")
            failed += 1
            break
        entities = []
        for number, line in lines:
            try:
                entities.append((number, json.loads(line)))
            except json.JSONDecodeError as error:
                print(f"{path}:{number}: not JSON: {error}")
                failed += 1
                break
        known_ids = {data.get("id") for _, data in entities}
        for number, data in entities:
            if failed:
                break
            why = check_entity(model, data, known_ids)
            if why is None:
                passed += 1
            else:
                failed += 1
                print(f"{path}:{number}: {data.get('schema')} {data.get('id')}: {why}")
        if failed:
            break
        print(f"{path}: {len(entities)} entities checked")
    if passed == 0 and failed == 0:
        print("no entities found: nothing was checked")
        failed = 1
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
