"""The Prefect flow ``nightly``: the stages of ``flows.pipeline`` as tasks, and the deployment.

Prefect stays at the edges: tasks are one-line wrappers (no caching: every night must re-read its
inputs; no DuckDB connection crosses a task boundary), retries live in the HTTP clients.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from flows import pipeline
from flows.config import Settings, load_config
from flows.notify import notify_webhook


@task(name="extract", cache_policy=NO_CACHE)
def extract_task(settings: Settings, run: pipeline.RunState):
    with pipeline.timed(run, "extract"):
        return pipeline.extract(settings, run)


@task(name="validate", cache_policy=NO_CACHE)
def validate_task(settings: Settings, run: pipeline.RunState, result):
    with pipeline.timed(run, "validate"):
        return pipeline.validate(settings, run, result)


@task(name="load", cache_policy=NO_CACHE)
def load_task(settings: Settings, run: pipeline.RunState, result, sources, full_rebuild: bool) -> Path:
    with pipeline.timed(run, "load"):
        return pipeline.load(settings, run, result, sources, full_rebuild=full_rebuild)


@task(name="transform", cache_policy=NO_CACHE)
def transform_task(settings: Settings, run: pipeline.RunState) -> int:
    with pipeline.timed(run, "transform"):
        return pipeline.transform(settings, run)


@task(name="publish", cache_policy=NO_CACHE)
def publish_task(settings: Settings, run: pipeline.RunState) -> None:
    with pipeline.timed(run, "publish"):
        pipeline.publish(settings, run)


@task(name="export", cache_policy=NO_CACHE)
def export_task(settings: Settings, run: pipeline.RunState) -> list[Path]:
    with pipeline.timed(run, "export"):
        return pipeline.export(settings, run)


@task(name="report", cache_policy=NO_CACHE)
def report_task(settings: Settings, run: pipeline.RunState) -> list[Path]:
    with pipeline.timed(run, "report"):
        return pipeline.report(settings, run)


def run_stages(settings: Settings, run: pipeline.RunState, full_rebuild: bool = False) -> pipeline.RunState:
    """Run every stage in order; on failure record it, notify, and re-raise."""
    logger = get_run_logger()
    try:
        result, sources = extract_task(settings, run)
        result = validate_task(settings, run, result)
        load_task(settings, run, result, sources, full_rebuild)
        views = transform_task(settings, run)
        logger.info("transform ran %d SQL files", views)
        publish_task(settings, run)
        export_task(settings, run)
        report_task(settings, run)
        pipeline.amend_run_record(settings, run)
    except Exception as exc:
        pipeline.record_failure(settings, run, exc)
        notify_webhook(settings, run)
        create_markdown_artifact(key="socek-run-summary", markdown=pipeline.summary_markdown(run),
                                 description="socek nightly run (failed)")
        raise
    if run.status == pipeline.WARNINGS:
        notify_webhook(settings, run)
    for warning in run.warnings:
        logger.warning(warning)
    create_markdown_artifact(key="socek-run-summary", markdown=pipeline.summary_markdown(run),
                             description=f"socek nightly run ({run.status})")
    return run


@flow(name="nightly", log_prints=True)
def nightly(config_path: str = "config/pipeline.toml", mode: str | None = None,
            full_rebuild: bool = False, today: date | None = None) -> dict:
    """Build, validate, publish and export the socek warehouse once."""
    settings = load_config(config_path)
    run = pipeline.new_run(settings, mode=mode, today=today)
    run_stages(settings, run, full_rebuild=full_rebuild)
    return run.record() | {"outputs": run.outputs}


def deployment_schedule(settings: Settings):
    """The nightly schedule as a Prefect schedule object (cron in the configured time zone)."""
    from prefect.schedules import Cron

    return Cron(settings.schedule.cron, timezone=settings.schedule.timezone)


def build_deployment(settings: Settings, config_path: str):
    """The nightly deployment (name, schedule, parameters) as Prefect will register it."""
    return nightly.to_deployment(name=settings.schedule.deployment_name,
                                 schedules=[deployment_schedule(settings)],
                                 parameters={"config_path": config_path})


def serve(settings: Settings, config_path: str) -> None:
    """Register the nightly deployment on the configured Prefect server and execute its runs.

    Runs until stopped; stopping does not pause the schedule, so the next ``serve`` picks it up.
    """
    from prefect import serve as prefect_serve

    prefect_serve(build_deployment(settings, config_path), pause_on_shutdown=False)


__all__ = ["nightly", "serve", "build_deployment", "deployment_schedule"]
