"""`xccgen build`: contract projects (or specs) -> checked wasm modules plus a manifest."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import click
from rich.console import Console

from xccgen.compile import FIXTURE_EXPORTS, TARGETS, build_contract, render_table
from xccgen.errors import BuildError, XccgenError
from xccgen.paths import fixtures_dir

SPEC_SUFFIXES = (".yaml", ".yml", ".py")


@dataclass(frozen=True)
class Job:
    project_dir: Path
    target: str
    contract: str
    exports: list[str]


def _project_target(path: Path) -> str | None:
    if (path / "Cargo.toml").is_file():
        return "rust"
    if (path / "package.json").is_file():
        return "ts"
    return None


def _fixture_exports(project_dir: Path, contract: str) -> list[str]:
    """The known exports of a fixture project, so `xccgen build fixtures/hello` checks them."""
    is_fixture = project_dir.resolve().parent.parent == fixtures_dir().resolve()
    return FIXTURE_EXPORTS.get(contract, []) if is_fixture else []


def _jobs_from_dir(path: Path, targets: list[str], exports: list[str]) -> list[Job]:
    """A project dir (Cargo.toml -> rust, package.json -> ts), or a dir holding rust/ and ts/."""
    own = _project_target(path)
    if own is not None:
        if own not in targets:
            return []
        # A project called rust/ or ts/ is named after the directory that holds it.
        contract = path.resolve().parent.name if path.name in TARGETS else path.resolve().name
        return [Job(path, own, contract, exports or _fixture_exports(path, contract))]
    jobs = [
        job
        for target in targets
        if _project_target(path / target) == target
        for job in _jobs_from_dir(path / target, [target], exports)
    ]
    if not jobs:
        raise XccgenError(
            f"{path}: no Cargo.toml or package.json here, nor in {'/ or '.join(targets)}/"
        )
    return jobs


def _jobs_from_spec(spec: Path, targets: list[str], exports: list[str]) -> list[Job]:
    """Where spec paths become projects to build: generated (as `xccgen generate` would) first."""
    from xccgen.output import generate_for_build  # only a spec build pays for rendering

    generated = generate_for_build(spec, targets)
    return [
        Job(Path(project), target, generated.name, exports or list(generated.methods))
        for target, project in generated.project_dirs.items()
        if target in targets
    ]


@click.command()
@click.argument("projects", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--target",
    type=click.Choice([*TARGETS, "all"]),
    default="all",
    show_default=True,
    help="Which contract flavour to build.",
)
@click.option(
    "-o",
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("build"),
    show_default=True,
    help="Where the wasm files and manifest.json go.",
)
@click.option(
    "--export",
    "exports",
    multiple=True,
    metavar="METHOD",
    help="A method each module must export (repeatable).",
)
def build(projects: tuple[Path, ...], target: str, out_dir: Path, exports: tuple[str, ...]) -> None:
    """Build contract projects or specs to wasm, check each module, write OUT/manifest.json.

    A PROJECT is a directory with Cargo.toml (rust) or package.json (ts), or a directory
    holding rust/ and ts/ projects. Unchanged projects are not rebuilt (reported as cached).

    \b
    Example:
      xccgen build fixtures/hello fixtures/counter --target rust -o build
    """
    targets = list(TARGETS) if target == "all" else [target]
    jobs: list[Job] = []
    for path in projects:
        if path.is_file() and path.suffix in SPEC_SUFFIXES:
            jobs += _jobs_from_spec(path, targets, list(exports))
        elif path.is_dir():
            jobs += _jobs_from_dir(path, targets, list(exports))
        else:
            raise XccgenError(f"{path}: expected a project directory or a spec ({SPEC_SUFFIXES})")
    if not jobs:
        raise XccgenError(f"nothing to build for --target {target}")

    artifacts = []
    for job in jobs:
        try:
            artifacts.append(
                build_contract(
                    job.project_dir,
                    job.target,
                    job.contract,
                    job.exports,
                    out_dir,
                    lambda msg: click.echo(msg, err=True),
                )
            )
        except BuildError as exc:
            raise BuildError(f"[{job.target}/{job.contract}] {exc}") from exc
    Console().print(render_table(artifacts))
    click.echo(f"manifest: {out_dir / 'manifest.json'}")
