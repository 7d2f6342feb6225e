"""The ``socek`` command line. Exit codes: 0 succeeded, 3 completed with warnings, 5 published with
errors (the data are published, a later step failed), 1 failed (nothing published), 4 another run is
in progress, 2 wrong usage (see README)."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from pathlib import Path

from flows.config import DEFAULT_CONFIG, Settings, load_config
from flows.errors import AlreadyRunningError, SocekError

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_WARNINGS, EXIT_LOCKED, EXIT_PUBLISHED_WITH_ERRORS = 0, 1, 2, 3, 4, 5
EXIT_CODES = {"succeeded": EXIT_OK, "warnings": EXIT_WARNINGS, "published_with_errors": EXIT_PUBLISHED_WITH_ERRORS}
DEFAULT_QUERY_LIMIT = 10_000


def _config_path(args) -> Path:
    from flows.common.resources import DEMO_CONFIG

    return DEMO_CONFIG if getattr(args, "demo", False) else args.config


def _settings(args) -> Settings:
    from flows.warehouse.database import use_resources

    settings = load_config(_config_path(args))
    use_resources(settings)  # DuckDB's memory and threads as configured, in every command
    return settings


def _prepare_prefect_env() -> None:
    # The temporary Prefect server needs ~20 s to start on a 2-core machine; the default timeout is tight.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


def cmd_run(args) -> int:
    settings = _settings(args)
    from flows.common.runlock import run_lock

    # The lock comes first: a second `socek run` exits at once (code 4) and touches nothing.
    with run_lock(settings.path("lock")):
        if settings.is_demo:
            from flows.demo import setup as demo_setup

            if demo_setup.inbox_is_empty(settings):
                print(f"socek: demo environment: the inbox {settings.path('inbox')} is empty; writing the synthetic "
                      "demo inbox (every file marked FIKTIVA DATA). `socek --demo demo-data` rewrites it.")
                demo_setup.prepare_demo(settings)
        _warm_up_intake(settings, args.full_rebuild)
        _prepare_prefect_env()
        from flows.nightly import nightly

        mode = "live" if args.live else None
        try:
            with _flow_settings():
                record = nightly(config_path=str(_config_path(args)), mode=mode, full_rebuild=args.full_rebuild)
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
    if record["error"]:
        print(f"error: {record['error']}", file=sys.stderr)
    print(f"published: {settings.path('warehouse')}" + (" (SYNTHETIC demo data)" if settings.is_demo else ""))
    for output in record["outputs"]:
        kind = "report" if ".html" in output or ".pdf" in output else "exported"
        print(f"{kind}: {output}")
    return EXIT_CODES.get(record["status"], EXIT_FAILED)


def _flow_settings():
    """Prefect settings for the run `socek run` makes in this process: no flow-run heartbeats unless
    PREFECT_FLOWS_HEARTBEAT_FREQUENCY asks for them. The heartbeat thread sleeps in whole seconds and
    the flow waits for it at the end, about a second of every run (measured: a flow of five tasks
    0.1 s without, 1.1 s with); socek records and recovers its own runs (meta.runs, the run lock)."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    if os.environ.get("PREFECT_FLOWS_HEARTBEAT_FREQUENCY") or os.environ.get("PREFECT_RUNNER_HEARTBEAT_FREQUENCY"):
        return contextlib.nullcontext()
    return temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None})


def _warm_up_intake(settings, full_rebuild: bool) -> None:
    """Start a worker that imports Great Expectations while the flow starts, when the inbox holds a
    file the last run did not see (flows.intake.warm); a full rebuild reads every file, so it starts
    all of its ``[runner] workers`` that way, and they are its pool."""
    if settings.runner.kind == "dask":
        return
    from flows.intake import warm

    if full_rebuild:
        warm.start(settings.runner.workers)
        return
    from flows.intake.deliveries import inbox_hashes_path

    if warm.likely_new(settings.path("inbox"), inbox_hashes_path(settings)):
        warm.start()


def cmd_serve(args) -> int:
    settings = _settings(args)
    _prepare_prefect_env()
    from flows.nightly import serve

    if not os.environ.get("PREFECT_API_URL"):
        print("socek serve needs a Prefect server for schedules: start one with `prefect server start` "
              "and set PREFECT_API_URL (e.g. http://127.0.0.1:4200/api).", file=sys.stderr)
        return EXIT_USAGE
    serve(settings, str(_config_path(args)))
    return EXIT_OK


def cmd_demo_data(args) -> int:
    settings = _settings(args)
    from flows.demo import setup as demo_setup

    if not settings.is_demo and not args.out:
        print(f"socek demo-data writes synthetic files; {settings.source_file} is a production configuration, so "
              "it will not write them into its inbox. Use `socek --demo demo-data`, or --out FOLDER.",
              file=sys.stderr)
        return EXIT_USAGE
    out = Path(args.out) if args.out else settings.path("inbox")
    manifest = demo_setup.prepare_demo(settings, out=out, seed=args.seed)
    print(f"wrote the synthetic demo inbox to {out} ({manifest.file_count} files, seed {args.seed})")
    return EXIT_OK


def cmd_query(args) -> int:
    settings = _settings(args)
    from flows.outputs.query import run_query

    if args.limit < 1:
        print("socek query: --limit must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    text, cut = run_query(settings.path("warehouse"), args.sql, args.format, limit=args.limit)
    print(text, end="")
    if cut:
        print(f"socek query: the result was cut at {args.limit:,} rows (--limit {args.limit}); narrow the query or "
              "raise --limit".replace(",", " "), file=sys.stderr)
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
    from flows.intake.templates import (
        default_file_name,
        template_datasets,
        write_template,
    )

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

    from flows.outputs.build_outputs import refuse_synthetic
    from flows.outputs.delivery import write_delivery
    from flows.warehouse.database import published_provenance

    published = settings.path("warehouse")
    refuse_synthetic(settings, published_provenance(published), published)
    codes = [settings.check_delivery_code(args.municipality)] if args.municipality else settings.delivery_codes
    for code in codes:
        folder = write_delivery(published, settings.path("exports"), code, date.today(), year=args.year)
        print(f"exported: {folder}")
    return EXIT_OK


def cmd_report(args) -> int:
    """Write the report of one or every municipality, and the county report, from the published database."""
    settings = _settings(args)
    from flows.outputs.build_outputs import refuse_synthetic
    from flows.outputs.report.pdf import AUTO
    from flows.outputs.report.write import write_report
    from flows.warehouse.database import published_provenance

    published = settings.path("warehouse")
    refuse_synthetic(settings, published_provenance(published), published)
    codes = [settings.check_delivery_code(args.municipality)] if args.municipality else settings.delivery_codes
    for code in codes:
        result = write_report(published, settings.path("reports"), code, args.year,
                              chromium=None if args.no_pdf else AUTO)
        print(f"report: {result.html_path}")
        if result.pdf_path:
            print(f"report: {result.pdf_path}")
        elif result.pdf_problem:
            print(f"report: {result.pdf_problem}", file=sys.stderr)
    return EXIT_OK


def cmd_restore(args) -> int:
    """Put a kept generation back as the published database (refused while a run holds the lock)."""
    settings = _settings(args)
    from flows.common.runlock import run_lock
    from flows.warehouse import generations
    from flows.warehouse.restore import choose, restore

    published = settings.path("warehouse")
    if args.list:
        for kept in generations.listing(published):
            mark = "  (published)" if kept.current else ""
            print(f"{kept.run_id}  data built by {kept.build_run_id}  {kept.path}{mark}")
        return EXIT_OK
    with run_lock(settings.path("lock")):
        chosen = choose(published, run_id=args.run, previous=args.previous)
        run_id = restore(published, chosen, settings.warehouse.keep_generations)
    print(f"restored: {published} is now the database published by run {chosen.run_id} (data built by run "
          f"{chosen.build_run_id}); recorded as run {run_id} (status restored). The next `socek run` rewrites the "
          "deliveries and reports of these data; take a delivery that should not load again out of the inbox first.")
    return EXIT_OK


def cmd_accept(args) -> int:
    """Confirm a held-back register delivery (it empties or shrinks its register) so the next run loads it."""
    settings = _settings(args)
    from flows.common.runlock import run_lock
    from flows.intake.holdback import accept

    with run_lock(settings.path("lock")):
        entry = accept(settings.path("warehouse"), settings.path("inbox"), Path(args.file))
    print(f"accepted: {entry['path']} (sha256 {entry['sha256'][:12]}…); the next `socek run` loads it")
    return EXIT_OK


def cmd_suppliers(args) -> int:
    """List the ledger suppliers socek cannot identify, with proposed matches; optionally write a draft."""
    settings = _settings(args)
    from flows.outputs import suppliers

    settings.municipality(args.municipality)
    rows = suppliers.candidates(settings.path("warehouse"), args.municipality)
    print(suppliers.render(rows, args.municipality), end="")
    if args.out:
        written = suppliers.write_draft(rows, Path(args.out))
        print(f"wrote {written} proposed match(es) to {args.out}: review them, then deliver the file as "
              f"inbox/{args.municipality}/supplier_crosswalk/{Path(args.out).name}")
    return EXIT_OK


def cmd_disclosure(args) -> int:
    """Audit the published database's suppression pattern by hand, as an attacker would."""
    settings = _settings(args)
    from flows.outputs.disclosure import control
    from flows.warehouse.database import connect

    con = connect(settings.path("warehouse"), read_only=True)
    try:
        result = control.audit_published(con)
        loss = con.execute("""select scope, cells, primary_suppressed, secondary_suppressed, share_before, share_after
                              from meta.disclosure_audit
                              where run_id = (select max(run_id) from meta.disclosure_audit) and scope <> 'all'
                              order by scope""").fetchall()
    finally:
        con.close()
    print(control.describe_audit(result, loss))
    if not result.passed:
        print("; ".join(control.failures(result)), file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="socek", description=__doc__)
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG, help="pipeline configuration (TOML)")
    parser.add_argument("--demo", action="store_true",
                        help="use the shipped demo configuration (config/demo.toml: synthetic data under demo/)")
    sub = parser.add_subparsers(dest="command", required=True)

    def add(name: str, func, help_text: str):
        p = sub.add_parser(name, help=help_text)
        p.add_argument("--config", type=Path, default=argparse.SUPPRESS, help="pipeline configuration (TOML)")
        p.add_argument("--demo", action="store_true", default=argparse.SUPPRESS,
                       help="use the shipped demo configuration (config/demo.toml)")
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
    p.add_argument("--limit", type=int, default=DEFAULT_QUERY_LIMIT,
                   help="at most this many rows (default: %(default)s); a longer result is cut, and says so")
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
    p.add_argument("--municipality", help="kommunkod, or the region's code for the county delivery (default: all)")
    p.add_argument("--year", type=int, help="one year only, in its own folder <kommun>-<day>-only-<year>")
    p = add("suppliers", cmd_suppliers, "list the ledger suppliers without an organisation number, with proposed matches")
    p.add_argument("--municipality", required=True, help="kommunkod")
    p.add_argument("--out", metavar="FILE.csv", help="write the proposed matches as a draft supplier crosswalk")
    add("disclosure", cmd_disclosure, "audit the published suppression pattern by linear programming (docs/disclosure.md)")
    p = add("report", cmd_report, "write the reports: each municipality's and the county's (HTML, and PDF when "
                                  "Chromium is installed)")
    p.add_argument("--municipality", help="kommunkod, or the region's code for the county report (default: all)")
    p.add_argument("--year", type=int, help="report year (default: the latest year with data)")
    p.add_argument("--no-pdf", action="store_true", help="skip the PDF even when Chromium is installed")
    p = add("restore", cmd_restore, "put a kept earlier database back as the published one (docs/operations.md)")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--run", metavar="RUN_ID", help="the database published (or built) by this run")
    which.add_argument("--previous", action="store_true", help="the newest database of the build before the published one")
    which.add_argument("--list", action="store_true", help="list the kept databases")
    p = add("accept", cmd_accept, "confirm a held-back register delivery (it empties or shrinks its register)")
    p.add_argument("file", help="the delivery in the inbox, as named in the warning")
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
