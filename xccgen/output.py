"""Spec files -> project files on disk: render, compare (`--check`) and write atomically."""

from __future__ import annotations

import difflib
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from xccgen import ir, project_swap
from xccgen.errors import SpecError, XccgenError
from xccgen.hooks import HOOK_FILES, signature_problems
from xccgen.pipeline import load_contract
from xccgen.render import TARGETS, is_marker_line, render

PROJECT_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")
# Files a build or a package manager leaves in a project; never ours, never in the way.
IGNORED = {"Cargo.lock", "package-lock.json", "target", "node_modules", "build"}


@dataclass
class Output:
    """What one spec generates: file path (under the output root) -> text. `seeds` are the
    team's files (hooks): written only when missing, never overwritten or compared."""

    contract: ir.Contract
    files: dict[Path, str] = field(default_factory=dict)
    seeds: dict[Path, str] = field(default_factory=dict)

    def missing_seeds(self) -> dict[Path, str]:
        return {path: text for path, text in self.seeds.items() if not path.exists()}


def project_dir(out_root: Path, contract: ir.Contract, target: str) -> Path:
    return out_root / contract.spec_name / target


def render_spec(
    spec_path: Path, out_root: Path, targets: tuple[str, ...], templates: Path | None = None
) -> Output:
    return render_contract(load_contract(spec_path), out_root, targets, templates)


def render_contract(
    contract: ir.Contract,
    out_root: Path,
    targets: tuple[str, ...],
    templates: Path | None = None,
) -> Output:
    output = Output(contract)
    problems = []
    for target in targets:
        base = project_dir(out_root, contract, target)
        for rendered in render(contract, target, templates):
            (output.seeds if rendered.seed else output.files)[base / rendered.path] = rendered.text
        if contract.hooks:
            # The team's hook file, or the stubs it starts as: each hook's signature must match.
            path = base / HOOK_FILES[target]
            text = output.seeds[path] if not path.is_file() else path.read_text(errors="replace")
            problems += signature_problems(contract, target, text, path)
    if problems:
        raise SpecError(problems)
    return output


def has_marker(path: Path) -> bool:
    """Whether one of the file's first three lines is xccgen's marker line, exactly (a file
    that merely mentions xccgen is the user's)."""
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            head = [handle.readline() for _ in range(3)]
    except OSError:
        return False
    return any(is_marker_line(line) for line in head)


def stale_files(output: Output, out_root: Path, targets: tuple[str, ...]) -> list[Path]:
    """Generated files on disk that this run would no longer write (the spec dropped them)."""
    stale = []
    for target in targets:
        base = project_dir(out_root, output.contract, target)
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            if any(part in IGNORED for part in path.relative_to(base).parts):
                continue
            if path.is_file() and path not in output.files and has_marker(path):
                stale.append(path)
    return stale


def diff(outputs: list[Output], out_root: Path, targets: tuple[str, ...]) -> str:
    """A unified diff from what is on disk to what would be generated; empty when up to date."""
    chunks = []
    for output in outputs:
        for path, text in output.files.items():
            old = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""
            if old != text:
                chunks.extend(
                    difflib.unified_diff(
                        old.splitlines(keepends=True),
                        text.splitlines(keepends=True),
                        fromfile=f"a/{path}",
                        tofile=f"b/{path}",
                    )
                )
        for path in stale_files(output, out_root, targets):
            old = path.read_text(encoding="utf-8", errors="replace").splitlines(keepends=True)
            chunks.extend(difflib.unified_diff(old, [], fromfile=f"a/{path}", tofile="/dev/null"))
        for path, text in output.missing_seeds().items():  # a hook file must exist; its body
            new = text.splitlines(keepends=True)  # is the team's, so it is never compared
            chunks.extend(difflib.unified_diff([], new, fromfile="/dev/null", tofile=f"b/{path}"))
    return "".join(chunks)


def foreign_files(outputs: list[Output]) -> list[Path]:
    """Existing files this run would overwrite that xccgen did not write."""
    return [
        path
        for output in outputs
        for path, text in output.files.items()
        if path.is_file() and not has_marker(path) and path.read_text(errors="replace") != text
    ]


def write(
    outputs: list[Output], out_root: Path, targets: tuple[str, ...], force: bool
) -> list[Path]:
    """Write every output, or nothing: all checks run before the first file changes."""
    foreign = foreign_files(outputs)
    if foreign and not force:
        listed = ", ".join(str(p) for p in foreign[:5]) + (" ..." if len(foreign) > 5 else "")
        raise XccgenError(
            f"refusing to overwrite {len(foreign)} file(s) that xccgen did not generate: {listed}; "
            "move them away or pass --force"
        )
    blocked = [
        path
        for output in outputs
        for path in [*output.files, *output.missing_seeds()]
        if (path.exists() and not path.is_file())
        or any(parent.exists() and not parent.is_dir() for parent in path.parents)
    ]
    if blocked:
        raise XccgenError(
            f"{blocked[0]} is in the way: a generated file (or its directory) goes there; move "
            "it away and generate again (nothing was written)"
        )
    changed: list[Path] = []
    for output in outputs:
        for target in targets:
            base = project_dir(out_root, output.contract, target)
            everything = {**output.files, **output.missing_seeds()}
            files = {p: t for p, t in everything.items() if base in p.parents}
            changed += _write_project(base, files, stale_files(output, out_root, (target,)))
    return changed


def _write_project(base: Path, files: dict[Path, str], stale: list[Path]) -> list[Path]:
    """Switch one project directory to `files` in one step (see project_swap); unchanged files
    keep their bytes and times, so builds do not redo work. Returns what changed."""
    try:
        project_swap.recover(base, ours=has_marker)  # an earlier run's interrupted switch
    except OSError as exc:
        raise XccgenError(f"cannot finish the earlier switch of {base}: {exc}") from None
    edited = [path for path, text in files.items() if not _holds(path, text)]
    if not edited and not stale:
        return []

    def write_new(staging: Path) -> None:
        for path, text in files.items():
            dest = staging / path.relative_to(base)
            dest.parent.mkdir(parents=True, exist_ok=True)
            if path in edited:
                dest.write_text(text, encoding="utf-8", newline="\n")
            else:
                shutil.copy2(path, dest)

    try:
        project_swap.replace(base, write_new, ours=has_marker)
    except OSError as exc:
        raise XccgenError(f"cannot write generated files in {base}: {exc}") from None
    return edited + stale


def _holds(path: Path, text: str) -> bool:
    try:
        return path.read_bytes() == text.encode("utf-8")
    except OSError:
        return False


def generate(
    spec_paths: list[Path],
    out_root: Path,
    targets: tuple[str, ...] = TARGETS,
    templates: Path | None = None,
) -> list[Output]:
    """Render every spec; any spec error aborts before anything is written."""
    check_project_names([Path(p) for p in spec_paths])
    return [render_spec(Path(p), out_root, targets, templates) for p in spec_paths]


def check_project_names(spec_paths: list[Path]) -> None:
    """Each spec's stem names its directory under the output root: it must stay inside it, and
    two specs must not share one."""
    seen: dict[str, Path] = {}
    for path in spec_paths:
        stem = path.stem
        if not PROJECT_NAME.fullmatch(stem) or stem in (".", ".."):
            raise XccgenError(
                f"{path}: the file name {stem!r} cannot name a project directory (it would be "
                "written outside the output directory); rename the spec, e.g. my_contract.yaml"
            )
        if stem in seen:
            raise XccgenError(
                f"{path} and {seen[stem]} would both generate into {stem}/: give one of the "
                "specs another file name"
            )
        seen[stem] = path


@dataclass(frozen=True)
class GeneratedContract:
    name: str  # the spec's name: projects live in generated/<name>/<target>
    project_dirs: dict[str, Path]
    methods: list[str]  # every method the built module must export


def generate_for_build(
    spec_path: Path,
    targets: tuple[str, ...] | list[str],
    out_root: Path = Path("generated"),
    contract: ir.Contract | None = None,
) -> GeneratedContract:
    """Bring the spec's generated projects up to date (as `xccgen generate` would) for a build;
    `contract`: the spec already loaded, so it is not loaded again."""
    targets = tuple(targets)
    check_project_names([Path(spec_path)])
    if contract is None:
        contract = load_contract(spec_path)
    outputs = [render_contract(contract, out_root, targets)]
    write(outputs, out_root, targets, force=False)
    return GeneratedContract(
        name=contract.spec_name,
        project_dirs={t: project_dir(out_root, contract, t) for t in targets},
        methods=contract.exported_methods(),
    )
