#!/usr/bin/env python3
"""Fails if source files import each other in a cycle, within any crate of the workspace.

Crates cannot form cycles (cargo refuses them); inside a crate, this reads every `use` path and
every inline `crate::`/`super::`/`self::` path of each `.rs` file, resolves it to the file of the
module it names, and looks for cycles among those file-to-file edges. A parent module declaring
or re-exporting its own children is structure, not a dependency, so an edge from a module to a
file inside it is left out; everything else (siblings, cousins, a child reaching up into its
parent's own items) counts.

Run: scripts/check-cycles.py          (exit 1 and the cycles if there are any)
     scripts/check-cycles.py --edges  (also print every edge, for a look at the graph)
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PATH = re.compile(r"\b(crate|super|self)((?:::[A-Za-z_][A-Za-z0-9_]*)+|::\{)")
USE_GROUP = re.compile(r"\buse\s+(crate|super|self)((?:::[A-Za-z_][A-Za-z0-9_]*)*)::\{([^;]*)\};", re.S)
COMMENT = re.compile(r"//[^\n]*")


def crate_roots():
    """Each crate's `src` folder and root file (lib.rs or main.rs)."""
    for manifest in sorted(ROOT.glob("*/Cargo.toml")) + sorted(ROOT.glob("crates/*/Cargo.toml")):
        src = manifest.parent / "src"
        for root in ("lib.rs", "main.rs"):
            if (src / root).exists():
                yield src, src / root
                break


def module_of(src, path):
    """The module path of a file: src/a/b.rs and src/a/b/mod.rs are ["a", "b"]."""
    parts = list(path.relative_to(src).with_suffix("").parts)
    if parts[-1] in ("mod", "lib", "main"):
        parts = parts[:-1]
    return tuple(parts)


def referenced(module, text, files):
    """The modules (that have a file) the paths in `text`, written in `module`, point into."""
    paths = []
    for match in USE_GROUP.finditer(text):
        start, prefix, group = match.groups()
        for item in re.split(r"[,\s]+", re.sub(r"\{[^}]*\}", "", group)):
            if item and item != "self":
                paths.append((start, f"{prefix}::{item}"))
        paths.append((start, prefix))
    paths.extend(match.groups() for match in PATH.finditer(text))
    for start, rest in paths:
        names = [name for name in rest.split("::") if name and name != "{"]
        # `self` is the file's own module and `super` its parent, in a mod.rs or a plain file.
        target = [] if start == "crate" else list(module) if start == "self" else list(module[:-1])
        while names and names[0] == "super":
            names.pop(0)
            target = target[:-1]
        deepest = tuple(target) if tuple(target) in files else None
        for name in names:
            target.append(name)
            if tuple(target) not in files:
                break
            deepest = tuple(target)
        if deepest is not None and deepest != module:
            yield deepest


def main():
    show_edges = "--edges" in sys.argv
    cycles = []
    for src, _root in crate_roots():
        files = {module_of(src, path): path for path in src.rglob("*.rs")}
        edges = {module: set() for module in files}
        for module, path in files.items():
            text = COMMENT.sub("", path.read_text())
            # An inline test module (at the end of a file, by convention) is not part of the
            # file's dependencies, and its `super::` means the file itself.
            text = re.split(r"\n#\[cfg\((?:all\()?test[^\n]*\]\s*\nmod ", text)[0]
            for target in referenced(module, text, files):
                # A module declaring or using what is inside it is structure, not a dependency.
                if target[: len(module)] != module:
                    edges[module].add(target)
        if show_edges:
            for module in sorted(edges):
                for target in sorted(edges[module]):
                    print(f"{files[module].relative_to(ROOT)} -> {files[target].relative_to(ROOT)}")
        cycles.extend(find_cycles(edges, files))
    if cycles:
        print(f"import cycles between files: {len(cycles)}", file=sys.stderr)
        for cycle in cycles:
            print("  " + " -> ".join(str(path.relative_to(ROOT)) for path in cycle), file=sys.stderr)
        sys.exit(1)
    print("import cycles: none between the files of any crate")


def find_cycles(edges, files):
    """One cycle per strongly connected component of more than one file (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []
    counter = [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(a_cycle(sorted(component), edges, files))

    sys.setrecursionlimit(10_000)
    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def a_cycle(component, edges, files):
    """A shortest path from the component's first file back to itself, as file paths."""
    members = set(component)
    start = component[0]
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for target in sorted(edges[node]):
            if target == start:
                return [files[step] for step in paths[node] + [start]]
            if target in members and target not in paths:
                paths[target] = paths[node] + [target]
                queue.append(target)
    return [files[member] for member in component]


if __name__ == "__main__":
    main()
