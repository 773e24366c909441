"""The ``conformance`` command: what the suite knows, and what its results say.

``conformance servers`` lists the server adapters, ``conformance requirements`` the catalogue and
which requirements have a check, ``conformance report`` renders a results JSON (HTML, Markdown,
badge) without re-running anything. Running the checks is pytest's job
(``pytest --server=NAME``); ``conformance matrix`` runs pytest once per installed server. A
broken catalogue, adapter or results file is reported in one line with exit code 2, like a usage
error, never as a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from conformance import __version__, coverage
from conformance import catalogue as catalogue_module
from conformance import servers as server_registry
from conformance.catalogue import CatalogueError, Requirement
from conformance.errors import HarnessError
from conformance.report import formats, matrix, results
from conformance.servers import ServerSpec

EXIT_OK = 0
EXIT_UNCHECKED = 1  # requirements --coverage: a MUST or SHOULD requirement has no check; matrix: a server
# had no result (harness error, or its run ended some other way)
EXIT_BROKEN = 2  # argparse's own code for a usage error; used too for a broken catalogue or adapter
EXIT_BROKEN_PIPE = 128 + signal.SIGPIPE  # what a shell reports for a reader that stopped reading


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as stop:  # argparse has already printed its message (or --help, --version)
        return stop.code if isinstance(stop.code, int) else EXIT_OK
    try:
        return args.command(args)
    except (CatalogueError, HarnessError, results.ResultsError, formats.OutputError, matrix.MatrixError) as error:
        print(f"conformance: error: {error}", file=sys.stderr)
        return EXIT_BROKEN
    except BrokenPipeError:  # `conformance requirements | head`: the reader left, which is no error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so the exit flush stays quiet
        return EXIT_BROKEN_PIPE


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="conformance",
        description="What the WSGI/ASGI conformance suite knows. Run the checks with: pytest --server=NAME",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)

    servers = commands.add_parser("servers", help="the servers the suite can launch, and whether they are installed")
    servers.add_argument("--json", action="store_true", help="print JSON instead of a table")
    servers.set_defaults(command=servers_command)

    requirements = commands.add_parser("requirements", help="the requirement catalogue and which IDs have a check")
    requirements.add_argument("--interface", choices=catalogue_module.AREA_INTERFACES,
                              help="only this interface's requirements (http: the HTTP/1.1 parsing of both)")
    requirements.add_argument("--coverage", action="store_true",
                              help="only the coverage summary; exit 1 if a MUST or SHOULD requirement has no check")
    requirements.add_argument("--json", action="store_true", help="print JSON instead of a table")
    requirements.set_defaults(command=requirements_command)

    report = commands.add_parser(
        "report", help="render a results JSON (pytest --report-json) as HTML, Markdown and a badge",
        description="Render a results document without re-running anything. With no format option, "
                    "every format is written next to RESULTS.json (results.html, .md, .svg, .shields.json).",
    )
    report.add_argument("results", metavar="RESULTS.json", help="a results document (pytest --report-json=PATH)")
    for fmt in formats.FORMATS:
        report.add_argument(f"--{fmt.name}", metavar="FILE", help=f"write {fmt.help}")
    report.set_defaults(command=report_command)

    run_matrix = commands.add_parser(
        "matrix", help="check every installed server and write reports/ and the README table",
        description="Run pytest --server=NAME for every server in the registry (installed ones; the others are "
                    "listed as not installed), several at once, and write per server a results JSON, an HTML page "
                    "and a badge, then reports/index.html and the table in README.md between "
                    f"{matrix.START} and {matrix.END}.",
    )
    run_matrix.add_argument("--out", default="reports", metavar="DIR", help="where to write the reports (reports)")
    run_matrix.add_argument("--readme", metavar="FILE",
                            help="the README whose table to rewrite (default: README.md, if there is one here)")
    run_matrix.add_argument("--no-readme", action="store_true", help="leave every README alone")
    run_matrix.add_argument("--server", action="append", metavar="NAME", dest="servers",
                            help="only this server (repeatable); the other servers' rows are kept as they were")
    run_matrix.add_argument("--jobs", type=int, default=matrix.default_jobs(), metavar="N",
                            help="servers checked at once (default: the cores available, %(default)s)")
    run_matrix.add_argument("--timeout", type=float, default=300, metavar="SECONDS",
                            help="longest one server's run may take (%(default)s)")
    run_matrix.set_defaults(command=matrix_command)
    return parser


# --- servers --------------------------------------------------------------------------------


def servers_command(args: argparse.Namespace) -> int:
    specs = list(server_registry.all_servers().values())
    if args.json:
        _print_json([_server_json(spec) for spec in specs])
        return EXIT_OK
    rows = [["NAME", "INTERFACES", "STATUS", "VERSION", "CAPABILITIES"]]
    hints: dict[int, str] = {}  # row index -> the hint printed under it
    for spec in specs:
        installed = spec.is_installed()
        rows.append([
            spec.name,
            ",".join(sorted(spec.interfaces)),
            "installed" if installed else "not installed",
            (spec.version() or "-") if installed else "-",
            ",".join(sorted(spec.capabilities)) or "-",
        ])
        if not installed:
            hints[len(rows) - 1] = spec.install_hint
    for index, line in enumerate(_aligned(rows)):
        print(line)
        if index in hints:
            print(f"    install: {hints[index]}")
    return EXIT_OK


def _server_json(spec: ServerSpec) -> dict[str, Any]:
    installed = spec.is_installed()
    return {
        "name": spec.name,
        "description": spec.description,
        "interfaces": sorted(spec.interfaces),
        "installed": installed,
        "version": spec.version() if installed else None,
        "capabilities": sorted(spec.capabilities),
        "command": spec.command,
        "install_hint": spec.install_hint,
    }


# --- requirements ---------------------------------------------------------------------------


def requirements_command(args: argparse.Namespace) -> int:
    requirements = [
        r for r in catalogue_module.catalogue().values() if args.interface in (None, r.interface)
    ]
    checks = coverage.checks_by_requirement()
    if args.coverage:
        return _print_coverage(requirements, checks, as_json=args.json)
    if args.json:
        _print_json([{**asdict(r), "checks": checks.get(r.id, [])} for r in requirements])
        return EXIT_OK
    # The spec and section get a line of their own: spec names are too long for a column.
    rows = [["ID", "LEVEL", "AREA", "SUMMARY"]]
    rows += [[r.id, r.level, r.area, r.summary] for r in requirements]
    header, *lines = _aligned(rows)
    print(header)
    for requirement, line in zip(requirements, lines, strict=True):
        print(line)
        print(f"    {requirement.spec} §{requirement.section}")
        print(f"    checks: {', '.join(checks.get(requirement.id, [])) or 'none'}")
    return EXIT_OK


def _print_coverage(requirements: list[Requirement], checks: dict[str, list[str]], *, as_json: bool) -> int:
    lines = coverage.coverage_lines(requirements, checks)
    missing = coverage.unchecked(requirements, checks)
    if as_json:
        _print_json({
            "coverage": [asdict(line) for line in lines],
            "unchecked": [{"id": r.id, "level": r.level, "summary": r.summary} for r in missing],
        })
    else:
        rows = [["INTERFACE", "LEVEL", "REQUIREMENTS", "WITH A CHECK"]]
        rows += [[line.interface, line.level, str(line.requirements), str(line.checked)] for line in lines]
        rows.append(["total", "", str(sum(x.requirements for x in lines)), str(sum(x.checked for x in lines))])
        print("\n".join(_aligned(rows)))
        levels = "/".join(coverage.CHECKED_LEVELS)
        if missing:
            print(f"\n{levels} requirements without a check:")
            for requirement in missing:
                print(f"  {requirement.id} {requirement.level}: {requirement.summary}")
        else:
            print(f"\nEvery {levels} requirement has a check.")
    return EXIT_UNCHECKED if missing else EXIT_OK


# --- report ---------------------------------------------------------------------------------


def report_command(args: argparse.Namespace) -> int:
    document = results.load(args.results)
    chosen = {fmt.name: getattr(args, fmt.name) for fmt in formats.FORMATS if getattr(args, fmt.name)}
    outputs = chosen or {fmt.name: formats.next_to(Path(args.results), fmt) for fmt in formats.FORMATS}
    written = formats.write(document, outputs)
    if "-" not in map(str, outputs.values()):
        for path in written:
            print(f"wrote {path}")
    return EXIT_OK


# --- matrix ---------------------------------------------------------------------------------


def matrix_command(args: argparse.Namespace) -> int:
    registry = server_registry.all_servers()
    unknown = sorted(set(args.servers or ()) - set(registry))
    if unknown:
        raise matrix.MatrixError(
            f"unknown server(s) {', '.join(unknown)}; known servers: {', '.join(sorted(registry))}"
        )
    if args.jobs < 1:
        raise matrix.MatrixError(f"--jobs must be at least 1, not {args.jobs}")
    readme = None if args.no_readme else Path(args.readme or "README.md")
    if readme is not None:
        try:
            matrix.check_readme(readme)  # before minutes of runs, not after
        except matrix.MatrixError as error:
            if args.readme is not None:
                raise
            if readme.exists():  # the default README is optional; one named by --readme is not
                print(f"note: {error}; the table is not written")
            readme = None
    specs = [spec for name, spec in registry.items() if not args.servers or name in args.servers]
    out = Path(args.out)
    started = time.monotonic()
    installed = sum(spec.is_installed() for spec in specs)
    print(f"checking {installed} installed servers of {len(specs)}, {args.jobs} at a time", flush=True)
    outcomes = matrix.run_all(specs, jobs=args.jobs, timeout=args.timeout, progress=_matrix_progress)
    entries = matrix.write(out, outcomes, keep_others=bool(args.servers))
    print(f"wrote {out / 'index.html'} and {len(entries)} rows in {out / matrix.MANIFEST} "
          f"({time.monotonic() - started:.0f} s)")
    if readme is not None:
        documents = {e.name: results.load(out / e.files["json"]) for e in entries if "json" in e.files}
        relative = os.path.relpath(out.resolve(), readme.resolve().parent)
        note = (f"Made by `conformance matrix` with python-server-conformance {__version__}; "
                f"one column per area: [{relative}/index.html]({relative}/index.html).")
        matrix.update_readme(readme, matrix.readme_table(entries, documents, relative), note)
        print(f"wrote the table in {readme}")
    failed = [entry for entry, _ in outcomes if entry.status in (matrix.HARNESS_ERROR, matrix.ERROR)]
    if failed:
        print(f"no result for: {', '.join(e.name for e in failed)}", file=sys.stderr)
        return EXIT_UNCHECKED
    return EXIT_OK


def _matrix_progress(entry: matrix.Entry) -> None:
    what = {
        matrix.OK: lambda: f"checked in {entry.duration:g} s",
        matrix.NOT_INSTALLED: lambda: f"not installed ({entry.message})",
        matrix.HARNESS_ERROR: lambda: f"harness error: {entry.message}",
        matrix.ERROR: lambda: f"no result: {entry.message}",
    }[entry.status]()
    version = f" {entry.version}" if entry.version else ""
    print(f"  {entry.name}{version}: {what}", flush=True)


# --- output ---------------------------------------------------------------------------------


def _aligned(rows: list[list[str]]) -> list[str]:
    """Rows as lines whose columns line up; the last column is left ragged."""
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]) - 1)]
    return [
        "  ".join([cell.ljust(width) for cell, width in zip(row, widths, strict=False)] + [row[-1]]).rstrip()
        for row in rows
    ]


def _print_json(value: Any) -> None:
    print(json.dumps(value, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    raise SystemExit(main())
