"""The ``socek`` command line. Exit codes: 0 succeeded, 3 completed with warnings, 1 failed,
4 another run is in progress, 2 wrong usage (see README)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from flows.config import DEFAULT_CONFIG, Settings, load_config
from flows.errors import AlreadyRunningError, SocekError

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_WARNINGS, EXIT_LOCKED = 0, 1, 2, 3, 4


def _settings(args) -> Settings:
    return load_config(args.config)


def _prepare_prefect_env() -> None:
    # The temporary Prefect server needs ~20 s to start on a 2-core machine; the default timeout is tight.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


def cmd_run(args) -> int:
    settings = _settings(args)
    from flows.common.runlock import run_lock
    from flows.demo import setup as demo_setup

    # The lock comes first: a second `socek run` exits at once (code 4) and touches nothing.
    with run_lock(settings.path("lock")):
        if demo_setup.inbox_is_empty(settings):
            print(f"socek: the inbox {settings.path('inbox')} is empty; generating the synthetic demo inbox "
                  "(the embedded default). Use `socek demo-data` to regenerate it.")
            demo_setup.prepare_demo(settings)
        _prepare_prefect_env()
        from flows.nightly import nightly

        mode = "live" if args.live else None
        try:
            record = nightly(config_path=str(args.config), mode=mode, full_rebuild=args.full_rebuild)
        except SocekError as exc:
            print(f"socek run failed: {exc}", file=sys.stderr)
            return EXIT_FAILED
        except Exception as exc:  # noqa: BLE001 - a bug: Prefect logged the traceback; exit 1 all the same
            print(f"socek run failed (unexpected {type(exc).__name__}, see the log above): {exc}", file=sys.stderr)
            return EXIT_FAILED
    print(f"socek run {record['run_id']}: {record['status']} "
          f"({record['files_new']} new files, {record['rows_loaded']} rows loaded, "
          f"{record['rows_quarantined']} quarantined)")
    if record["warnings"]:
        print("warnings:\n  " + record["warnings"].replace("\n", "\n  "))
    print(f"published: {settings.path('warehouse')}")
    for output in record["outputs"]:
        kind = "report" if output.endswith((".html", ".pdf")) else "exported"
        print(f"{kind}: {output}")
    return EXIT_WARNINGS if record["status"] == "warnings" else EXIT_OK


def cmd_serve(args) -> int:
    settings = _settings(args)
    _prepare_prefect_env()
    from flows.nightly import serve

    if not os.environ.get("PREFECT_API_URL"):
        print("socek serve needs a Prefect server for schedules: start one with `prefect server start` "
              "and set PREFECT_API_URL (e.g. http://127.0.0.1:4200/api).", file=sys.stderr)
        return EXIT_USAGE
    serve(settings, str(args.config))
    return EXIT_OK


def cmd_demo_data(args) -> int:
    settings = _settings(args)
    from flows.demo import setup as demo_setup

    out = Path(args.out) if args.out else settings.path("inbox")
    manifest = demo_setup.prepare_demo(settings, out=out, seed=args.seed)
    print(f"wrote the synthetic demo inbox to {out} ({manifest.file_count} files, seed {args.seed})")
    return EXIT_OK


def cmd_query(args) -> int:
    settings = _settings(args)
    from flows.outputs.query import run_query

    print(run_query(settings.path("warehouse"), args.sql, args.format), end="")
    return EXIT_OK


def cmd_profile_infer(args) -> int:
    """Propose a publisher profile for an unknown file: evidence and misfits printed, TOML written."""
    settings = _settings(args)
    from flows.intake.deliveries import read_limits
    from flows.intake.infer import infer_profile
    from flows.intake.infer_report import proposal_report, proposal_toml

    out = Path(args.out) if args.out else None
    if out is not None and out.exists() and not args.force:
        print(f"socek: {out} exists; choose another --out or add --force to replace it", file=sys.stderr)
        return EXIT_USAGE
    proposal = infer_profile(Path(args.file), args.dataset, name=out.stem if out else None,
                             municipality_codes=settings.municipality_codes, limits=read_limits(settings))
    text = proposal_toml(proposal)
    print(proposal_report(proposal))
    if out is None:
        print("\n# --- proposed profile (write it with --out config/profiles/<name>.toml) ---\n" + text, end="")
        return EXIT_OK
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(f"\nwrote {out}; review it, then: socek validate {args.file} --dataset {args.dataset} "
          f"--profile {proposal.name}")
    return EXIT_OK


def cmd_template(args) -> int:
    """Write the Excel template of one register, or of every register (``all``) into a folder."""
    settings = _settings(args)
    from flows.intake.templates import default_file_name, template_datasets, write_template

    if args.dataset == "all":
        folder = Path(args.out or ".")
        written = [write_template(name, folder / default_file_name(name), settings.municipality_codes)
                   for name in template_datasets()]
    else:
        out = Path(args.out) if args.out else Path(default_file_name(args.dataset))
        written = [write_template(args.dataset, out, settings.municipality_codes)]
    for path in written:
        print(f"template: {path}")
    return EXIT_OK


def cmd_validate(args) -> int:
    settings = _settings(args)
    from flows.intake.validate_file import validate_file

    report, usable = validate_file(settings, Path(args.file), args.dataset, profile=args.profile,
                                   municipality=args.municipality, write_canonical=args.write_canonical)
    print(json.dumps(report, ensure_ascii=False, indent=2) if args.json else report["text"])
    return EXIT_OK if usable else EXIT_FAILED


def cmd_export(args) -> int:
    settings = _settings(args)
    from datetime import date

    from flows.outputs.delivery import write_delivery

    codes = [args.municipality] if args.municipality else settings.municipality_codes
    for code in codes:
        settings.municipality(code)
        folder = write_delivery(settings.path("warehouse"), settings.path("exports"), code, date.today(),
                                year=args.year)
        print(f"exported: {folder}")
    return EXIT_OK


def cmd_report(args) -> int:
    """Write the council report of one or every municipality from the published database."""
    settings = _settings(args)
    from flows.outputs.report.pdf import AUTO
    from flows.outputs.report.write import write_report

    codes = [args.municipality] if args.municipality else settings.municipality_codes
    for code in codes:
        settings.municipality(code)
        result = write_report(settings.path("warehouse"), settings.path("reports"), code, args.year,
                              chromium=None if args.no_pdf else AUTO)
        print(f"report: {result.html_path}")
        if result.pdf_path:
            print(f"report: {result.pdf_path}")
        elif not args.no_pdf:
            print("report: no PDF (Chromium is not installed)", file=sys.stderr)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="socek", description=__doc__)
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG, help="pipeline configuration (TOML)")
    sub = parser.add_subparsers(dest="command", required=True)

    def add(name: str, func, help_text: str):
        p = sub.add_parser(name, help=help_text)
        p.add_argument("--config", type=Path, default=argparse.SUPPRESS, help="pipeline configuration (TOML)")
        p.set_defaults(func=func)
        return p

    p = add("run", cmd_run, "run the nightly pipeline once")
    p.add_argument("--live", action="store_true", help="fetch from the live sources (default: config mode)")
    p.add_argument("--full-rebuild", action="store_true", help="rebuild from an empty warehouse")
    add("serve", cmd_serve, "register the nightly deployment on a Prefect server and run it")
    p = add("demo-data", cmd_demo_data, "write the synthetic demo inbox")
    p.add_argument("--out", help="folder to write (default: paths.inbox)")
    p.add_argument("--seed", type=int, default=42)
    p = add("query", cmd_query, "run SQL against the published database (read-only)")
    p.add_argument("sql")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    datasets, profiles, registers = _choices()
    p = add("validate", cmd_validate, "check one file against its dataset contract without loading it")
    p.add_argument("file", help="the delivered file (CSV, XLSX or JSON)")
    p.add_argument("--dataset", choices=datasets, metavar="DATASET",
                   help="what the file holds; default: its inbox folder's name. One of: " + ", ".join(datasets))
    p.add_argument("--profile", metavar="PROFILE",
                   help="publisher profile; default: the one the inbox would use (inbox/<kommunkod>/profiles.toml). "
                        f"Shipped: {', '.join(profiles)}; or your own in paths.profiles (config/profiles)")
    p.add_argument("--municipality", metavar="KOMMUNKOD",
                   help="kommunkod of a configured municipality; default: from the file's path")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--write-canonical", metavar="OUT.csv", help="also write the rows as read, in canonical columns")
    p = add("profile", lambda args: EXIT_USAGE, "publisher profiles: propose one for an unknown file (profile infer)")
    infer = p.add_subparsers(dest="profile_command", required=True).add_parser(
        "infer", help="propose a profile for a file: settings with their evidence, and the rows that do not fit")
    infer.add_argument("--config", type=Path, default=argparse.SUPPRESS, help="pipeline configuration (TOML)")
    infer.set_defaults(func=cmd_profile_infer)
    infer.add_argument("file", help="the file to read (CSV, XLSX or JSON)")
    infer.add_argument("--dataset", required=True, choices=datasets, metavar="DATASET",
                       help="what the file holds, one of: " + ", ".join(datasets))
    infer.add_argument("--out", metavar="config/profiles/NAME.toml",
                       help="write the proposal there (its name is the file name); default: print it. "
                            "config/profiles is searched before the shipped profiles (paths.profiles)")
    infer.add_argument("--force", action="store_true", help="replace an existing --out file")
    p = add("template", cmd_template, "write the Excel template (Swedish) of a register the municipality keeps")
    p.add_argument("dataset", choices=[*registers, "all"], metavar="DATASET",
                   help=f"one of: {', '.join(registers)}; or all (every template into the folder --out)")
    p.add_argument("--out", metavar="FILE.xlsx", help="where to write (default: <register>-mall.xlsx here)")
    p = add("export", cmd_export, "rebuild the regional delivery from the published database")
    p.add_argument("--municipality")
    p.add_argument("--year", type=int)
    p = add("report", cmd_report, "write the council report (HTML, and PDF when Chromium is installed)")
    p.add_argument("--municipality", help="kommunkod (default: every configured municipality)")
    p.add_argument("--year", type=int, help="report year (default: the latest year with data)")
    p.add_argument("--no-pdf", action="store_true", help="skip the PDF even when Chromium is installed")
    return parser


def _choices() -> tuple[list[str], list[str], list[str]]:
    """The valid values the options' help lists: datasets, shipped profiles, registers with a template."""
    from flows.common.resources import PROFILES_DIR
    from flows.datasets import DATASETS
    from flows.intake.templates import template_datasets

    return list(DATASETS), sorted(path.stem for path in PROFILES_DIR.glob("*.toml")), template_datasets()


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except AlreadyRunningError as exc:
        print(f"socek: {exc}", file=sys.stderr)
        return EXIT_LOCKED
    except SocekError as exc:
        print(f"socek: {exc}", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
