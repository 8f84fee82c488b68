#!/usr/bin/env python3
"""Writes THIRD-PARTY-LICENSES.md: every crate compiled into the `credits` binary on the
release targets, with its licence expression and the licence texts its package ships. The
release archives carry the file (dist-workspace.toml: include). `--check` fails when the
committed file is not what this script would write (run by .ci/run).

Only crates.io sources are read (deny.toml refuses any other), from cargo's registry cache.
"""
import json
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "THIRD-PARTY-LICENSES.md"
TARGETS = [
    "x86_64-unknown-linux-gnu",
    "aarch64-unknown-linux-gnu",
    "x86_64-unknown-linux-musl",
    "x86_64-apple-darwin",
    "aarch64-apple-darwin",
    "x86_64-pc-windows-msvc",
]
LICENSE_NAMES = ("LICENSE", "LICENCE", "COPYING", "NOTICE", "UNLICENSE")


def metadata(target):
    text = subprocess.run(
        ["cargo", "metadata", "--locked", "--format-version", "1", "--filter-platform", target],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout
    return json.loads(text)


def normal_dependencies(meta):
    """The packages the binary links: the root's normal dependencies, followed down."""
    nodes = {node["id"]: node for node in meta["resolve"]["nodes"]}
    root = meta["resolve"]["root"]
    seen, todo = set(), [root]
    while todo:
        current = todo.pop()
        for dep in nodes[current]["deps"]:
            kinds = {k["kind"] for k in dep["dep_kinds"]}
            if None in kinds and dep["pkg"] not in seen:
                seen.add(dep["pkg"])
                todo.append(dep["pkg"])
    return seen


def main():
    packages = {}
    for target in TARGETS:
        meta = metadata(target)
        by_id = {p["id"]: p for p in meta["packages"]}
        for pid in normal_dependencies(meta):
            package = by_id[pid]
            packages[(package["name"], package["version"])] = package
    # Each distinct text once (most crates ship the same Apache and MIT texts), numbered.
    texts, crates = {}, []
    for (name, version), package in sorted(packages.items()):
        directory = pathlib.Path(package["manifest_path"]).parent
        ids = []
        for path in sorted(
            f for f in directory.iterdir()
            if f.is_file() and f.name.upper().startswith(LICENSE_NAMES)
        ):
            body = path.read_text(encoding="utf-8", errors="replace").strip()
            key = " ".join(body.split())
            if key not in texts:
                texts[key] = (len(texts) + 1, body)
            ids.append(f"[{texts[key][0]}](#text-{texts[key][0]})")
        expression = package.get("license") or package.get("license_file") or "not stated"
        crates.append(f"| {name} | {version} | {expression} | {', '.join(ids) or 'none shipped'} |")
    lines = [
        "# Third-party licences",
        "",
        "The `credits` binary is MIT-licensed (LICENSE). It is built with the crates below, on",
        "every release target: each with its licence expression and the licence texts its",
        "package ships (each distinct text once, below the table). Written by",
        "`.ci/third-party-licenses.py`; do not edit by hand.",
        "",
        "| crate | version | licence | texts |",
        "|---|---|---|---|",
        *crates,
        "",
    ]
    for number, body in sorted(texts.values()):
        lines += [f'## Text {number} <a id="text-{number}"></a>', "", "```text", body.replace("```", "\'\'\'"), "```", ""]
    written = "\n".join(lines).rstrip() + "\n"
    if "--check" in sys.argv:
        if not OUT.exists() or OUT.read_text(encoding="utf-8") != written:
            print("THIRD-PARTY-LICENSES.md is not current: run .ci/third-party-licenses.py", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(written, encoding="utf-8")
    print(f"{len(packages)} crates written to {OUT.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
