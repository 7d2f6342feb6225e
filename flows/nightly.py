"""The Prefect flow ``nightly``: the stages of ``flows.pipeline`` as tasks, and the deployment.

Prefect stays at the edges: tasks are one-line wrappers (no caching: every night must re-read its
inputs; no DuckDB connection crosses a task boundary), retries live in the HTTP clients.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from prefect import flow, get_run_logger, task, unmapped
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from flows import pipeline
from flows.common.runlock import run_lock
from flows.config import Settings, load_config
from flows.intake import deliveries
from flows.intake.worker import process_unit
from flows.outputs.notify import notify_webhook
from flows.warehouse.database import use_resources


@task(name="intake", cache_policy=NO_CACHE)
def intake_task(settings: Settings, run: pipeline.RunState, mapper=None):
    with pipeline.timed(run, "intake"):
        return pipeline.intake(settings, run, mapper=mapper)


@task(name="collect", cache_policy=NO_CACHE)
def collect_task(settings: Settings, run: pipeline.RunState, result):
    with pipeline.timed(run, "collect"):
        return pipeline.collect(settings, run, result)


# --- per-municipality read + validate on a Dask cluster ([runner] kind = "dask") ------------------

@task(name="read-and-validate-municipality", cache_policy=NO_CACHE)
def unit_task(unit: deliveries.Unit, options: deliveries.UnitOptions) -> deliveries.UnitResult:
    return process_unit(unit, options)


@flow(name="intake-on-dask", log_prints=True)
def intake_on_dask(units: list[deliveries.Unit], options: deliveries.UnitOptions) -> list[deliveries.UnitResult]:
    """One task per municipality on the Dask task runner; results in the units' order."""
    futures = unit_task.map(units, options=unmapped(options))
    return [future.result() for future in futures]


def dask_task_runner(settings: Settings):
    """prefect-dask's runner for ``[runner]``: the cluster at ``dask_address``, else a local cluster
    of ``workers`` single-threaded worker processes (GX and pandas hold the GIL)."""
    from prefect_dask import DaskTaskRunner

    runner = settings.runner
    if runner.dask_address:
        return DaskTaskRunner(address=runner.dask_address)
    return DaskTaskRunner(cluster_kwargs={"n_workers": runner.workers, "threads_per_worker": 1,
                                          "processes": True, "dashboard_address": None})


def unit_mapper(settings: Settings) -> deliveries.Mapper | None:
    """How the units run: None = the default (``flows.intake.deliveries``: worker processes or in-process)."""
    if settings.runner.kind != "dask":
        return None

    def run_on_dask(units: list[deliveries.Unit], options: deliveries.UnitOptions) -> list[deliveries.UnitResult]:
        return intake_on_dask.with_options(task_runner=dask_task_runner(settings))(units, options)

    return run_on_dask


@task(name="load", cache_policy=NO_CACHE)
def load_task(settings: Settings, run: pipeline.RunState, result, sources, full_rebuild: bool) -> Path:
    with pipeline.timed(run, "load"):
        return pipeline.load(settings, run, result, sources, full_rebuild=full_rebuild)


@task(name="transform", cache_policy=NO_CACHE)
def transform_task(settings: Settings, run: pipeline.RunState) -> int:
    with pipeline.timed(run, "transform"):
        return pipeline.transform(settings, run)


@task(name="disclose", cache_policy=NO_CACHE)
def disclose_task(settings: Settings, run: pipeline.RunState) -> None:
    with pipeline.timed(run, "disclose"):
        pipeline.disclose(settings, run)


@task(name="publish", cache_policy=NO_CACHE)
def publish_task(settings: Settings, run: pipeline.RunState) -> None:
    with pipeline.timed(run, "publish"):
        pipeline.publish(settings, run)


@task(name="outputs", cache_policy=NO_CACHE)
def outputs_task(settings: Settings, run: pipeline.RunState, everything: bool):
    with pipeline.timed(run, "outputs"):
        return pipeline.outputs(settings, run, everything)


@task(name="commit", cache_policy=NO_CACHE)
def commit_task(settings: Settings, run: pipeline.RunState) -> None:
    with pipeline.timed(run, "commit"):
        pipeline.commit(settings, run)


def run_stages(settings: Settings, run: pipeline.RunState, full_rebuild: bool = False) -> pipeline.RunState:
    """Run every stage in order; on failure record it and notify. A failure before the publish is
    re-raised (the run failed); after it, the run ends ``published_with_errors``."""
    logger = get_run_logger()
    result = None
    try:
        result = intake_task(settings, run, unit_mapper(settings))
        sources = collect_task(settings, run, result)
        pipeline.settle_earlier_outputs(settings, run)
        rebuild = full_rebuild or not pipeline.nothing_new(settings, run, result, sources)
        if rebuild:
            load_task(settings, run, result, sources, full_rebuild)
            deliveries.cleanup(result)
            views = transform_task(settings, run)
            logger.info("transform ran %d SQL files", views)
            disclose_task(settings, run)
        else:
            # Same inputs, same SQL: a build would reproduce the published database. Copy it, write
            # the outputs it lacks, record the run (seconds instead of a rebuild).
            logger.info("nothing new since the published build: not rebuilding; checking its outputs")
            deliveries.cleanup(result)
            pipeline.copy_published(settings, run)
            for stage in ("load", "transform", "disclose"):
                run.timings.setdefault(stage, 0.0)
        outputs_task(settings, run, everything=rebuild)
        publish_task(settings, run)
        commit_task(settings, run)
    except Exception as exc:
        deliveries.cleanup(result)
        pipeline.record_failure(settings, run, exc)
        notify_webhook(settings, run)
        create_markdown_artifact(key="socek-run-summary", markdown=pipeline.summary_markdown(run),
                                 description=f"socek nightly run ({run.status})")
        if run.status == pipeline.FAILED:
            raise
        logger.error(run.error)
        return run
    if run.status in (pipeline.WARNINGS, pipeline.PUBLISHED_WITH_ERRORS):
        notify_webhook(settings, run)
    for warning in run.warnings:
        logger.warning(warning)
    if run.error:
        logger.error(run.error)
    create_markdown_artifact(key="socek-run-summary", markdown=pipeline.summary_markdown(run),
                             description=f"socek nightly run ({run.status})")
    return run


@flow(name="nightly", log_prints=True)
def nightly(config_path: str = "config/pipeline.toml", mode: str | None = None,
            full_rebuild: bool = False, today: date | None = None) -> dict:
    """Build, validate, publish and export the socek warehouse once."""
    settings = load_config(config_path)
    use_resources(settings)  # DuckDB's memory and threads as configured ([warehouse])
    # `socek run` holds the lock already (re-entrant); runs started by `socek serve` take it here.
    with run_lock(settings.path("lock")):
        run = pipeline.new_run(settings, mode=mode, today=today)
        run.full_rebuild = full_rebuild
        run_stages(settings, run, full_rebuild=full_rebuild)
    return run.record() | {"outputs": run.outputs, "environment": settings.environment}


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
