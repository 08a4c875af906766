"""The embedded defaults' behaviour tests, run again on PostgreSQL and a Chroma server.

The tests are the very functions of the default suites, collected here a second time; only the
fixtures differ: `home` points FRAMELINE_DATABASE_URL at a fresh Postgres database and
FRAMELINE_CHROMA_URL at an emptied `chroma run` server, and `studio` and the agent's homes are
copies of templates loaded once on those servers.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import tests.agent.test_approvals as approvals_suite
import tests.agent.test_planner as planner_suite
import tests.frameline.test_cli_frames as cli_frames_suite
import tests.frameline.test_cli_memory as memory_suite
import tests.tools.test_frames as frames_suite
from tests.services import PostgresServer
from tests.services.conftest import DemoTemplate, Stores

pytestmark = [pytest.mark.services, pytest.mark.slow]


@pytest.fixture
def home(home: Path, empty_stores: Stores, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The test's home, with its records on Postgres and its memory on the Chroma server."""
    empty_stores.use(monkeypatch)
    return home


@pytest.fixture
def studio(home: Path, demo_stores: Stores, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Frameline on a copy of the demo production loaded on Postgres and the Chroma server."""
    from frameline.settings import Settings
    from frameline.wiring import open_frameline

    demo_stores.use(monkeypatch)
    with open_frameline(Settings()) as frameline:
        yield frameline


@dataclass(frozen=True)
class AgentTemplate:
    """The agent suite's demo with two rendered shots, on Postgres."""

    database: str
    home: Path


@pytest.fixture(scope="session")
def agent_template(
    postgres: PostgresServer,
    chroma_url: str,
    demo_template: DemoTemplate,
    tmp_path_factory: pytest.TempPathFactory,
) -> AgentTemplate:
    """The demo with shots 3A (v1) and 4A (v2), like the agent suite's own template."""
    from frameline.settings import Settings
    from frameline.wiring import open_frameline
    from tools.context import Actor
    from tools.jobs import submit_job

    home = tmp_path_factory.mktemp("agent-template-pg") / "home"
    shutil.copytree(demo_template.home, home)
    database = "frameline_agent"
    settings = Settings(
        home=home,
        database_url=postgres.create_database(database, template=demo_template.database),
        chroma_url=chroma_url,
        broker_url=None,
        image_backend="previz",
    )
    with open_frameline(settings) as frameline:
        for scene in ("3", "4"):
            request = {"scene": scene, "seed": 7}
            job = submit_job(frameline, Actor("local", "admin"), "demo", "render", request)
            assert frameline.worker.run(job.job_id).state == "done"
    return AgentTemplate(database, home)


@pytest.fixture
def agent_home(
    home: Path,
    agent_template: AgentTemplate,
    empty_stores: Stores,
    postgres: PostgresServer,
    monkeypatch: pytest.MonkeyPatch,
) -> Path:
    """This test's copy of the agent template: its home, database and re-indexed memory."""
    import psycopg

    shutil.copytree(agent_template.home, home, dirs_exist_ok=True)
    name = empty_stores.database_url.rsplit("/", 1)[1] + "_agent"
    database = postgres.create_database(name, template=agent_template.database)
    with psycopg.connect(database, autocommit=True) as connection:
        connection.execute("UPDATE projects SET indexed_revision = -1")
    monkeypatch.setenv("FRAMELINE_DATABASE_URL", database)
    return home


@pytest.fixture
def agent_studio(agent_home: Path) -> Iterator[Any]:
    """Frameline opened on the test's copy, as a front end opens it."""
    from frameline.settings import Settings
    from frameline.wiring import open_frameline

    with open_frameline(Settings()) as frameline:
        yield frameline


ingested = memory_suite.ingested

# Screenplay memory: import, scenes, semantic search, re-import diff.
test_ingest = memory_suite.test_ingest_reports_scenes_cast_and_locations
test_second_ingest = memory_suite.test_second_ingest_of_same_file_changes_nothing
test_scenes = memory_suite.test_scenes_in_script_order_with_story_days
test_search = memory_suite.test_search_finds_a_scene_by_meaning
test_search_kinds = memory_suite.test_search_every_kind_and_facts
test_reimport = memory_suite.test_reimport_of_a_revised_script_reports_the_diff

# Frames: render, revise, versions, statuses, the ledger, jobs, staleness after a re-import.
test_cli_render_revise = cli_frames_suite.test_render_revise_versions_on_previz
test_render = frames_suite.test_render_makes_a_new_shot_with_a_png_version
test_takes = frames_suite.test_next_free_codes_and_takes
test_region = frames_suite.test_region_revision_keeps_every_pixel_outside_the_box
test_locking = frames_suite.test_status_roles_and_locking
test_ledger = frames_suite.test_every_version_has_one_ledger_entry
test_jobs_once = frames_suite.test_jobs_run_once_even_when_run_again
test_stale = frames_suite.test_changed_scene_makes_versions_stale_and_approval_needs_override

# The agent: checkpoints on Postgres, across a restart of the process too.
test_lock_waits = approvals_suite.test_a_lock_waits_for_a_director
test_pause_survives_restart = approvals_suite.test_a_pause_survives_a_restart_of_the_process
test_agent_continuity = planner_suite.test_a_director_asks_about_continuity
test_agent_render = planner_suite.test_a_writer_renders_two_frames_of_mara
test_follow_up_after_restart = (
    planner_suite.test_a_follow_up_revises_what_the_thread_made_even_after_a_restart
)
