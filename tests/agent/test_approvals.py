"""Human approval: what pauses the conversation, who may resume it, and across a restart."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select, text

from agent.service import conversation, pending_approvals, resolve_approval, run_turn
from core.errors import Conflict, NotFound, PermissionDenied
from frameline.settings import Settings
from frameline.wiring import open_frameline
from memory.records import Approval, Version
from tests.cli_runner import Cli
from tools.context import Actor
from tools.versions import set_status

PROJECT = "demo"
WRITER, DIRECTOR = Actor("wren", "writer"), Actor("dana", "director")
PRODUCER, ADMIN = Actor("pat", "producer"), Actor("local", "admin")


def statuses(frameline: Any) -> dict[str, str]:
    """Every version's status by version id."""
    with frameline.transaction() as session:
        return {v.version_id: v.status for v in session.scalars(select(Version))}


def approval_row(frameline: Any, approval_id: str) -> Approval:
    with frameline.transaction() as session:
        row = session.get(Approval, approval_id)
        assert row is not None
        session.expunge(row)
        return row


def approve(frameline: Any, *versions: str) -> None:
    """Approve drafts first: a plain lock of a draft is refused at every door."""
    for version in versions:
        set_status(frameline, ADMIN, version, "approved")


def test_a_writers_attempt_to_lock_is_refused(agent_studio: Any) -> None:
    result = run_turn(agent_studio, WRITER, PROJECT, None, "lock 3A")
    assert result.tool_calls == [{"name": "set_status", "args": {"status": "locked", "shot": "3A"}}]
    assert result.pending == []
    assert "wren (writer) may not lock v1" in result.reply and "director" in result.reply
    assert statuses(agent_studio) == {"v1": "draft", "v2": "draft"}
    assert pending_approvals(agent_studio, PROJECT) == []


def test_a_lock_waits_for_a_director(agent_studio: Any) -> None:
    approve(agent_studio, "v1")
    asked = run_turn(agent_studio, PRODUCER, PROJECT, None, "lock 3A")
    [pending] = asked.pending
    assert (pending["action"], pending["needs_role"]) == ("lock", "director")
    assert pending["approval_id"] in asked.reply and "director" in asked.reply
    assert statuses(agent_studio)["v1"] == "approved"
    assert [a["approval_id"] for a in pending_approvals(agent_studio, PROJECT)] == [
        pending["approval_id"]
    ]
    with pytest.raises(Conflict, match="waiting for approval"):
        run_turn(agent_studio, PRODUCER, PROJECT, asked.thread_id, "show versions of 3A")

    with pytest.raises(PermissionDenied, match="wren \\(writer\\) may not decide"):
        resolve_approval(agent_studio, WRITER, pending["approval_id"], "approve")
    assert approval_row(agent_studio, pending["approval_id"]).state == "pending"

    done = resolve_approval(agent_studio, DIRECTOR, pending["approval_id"], "approve")
    assert done.thread_id == asked.thread_id and done.pending == []
    assert done.reply.startswith("v1 (shot 3A) is now locked.")
    assert statuses(agent_studio)["v1"] == "locked"
    row = approval_row(agent_studio, pending["approval_id"])
    assert (row.state, row.requested_by, row.decided_by, row.decided_role) == (
        "approved",
        "pat",
        "dana",
        "director",
    )
    with pytest.raises(Conflict, match="already approved by dana"):
        resolve_approval(agent_studio, DIRECTOR, pending["approval_id"], "reject")


def test_a_rejected_lock_is_not_done(agent_studio: Any) -> None:
    asked = run_turn(agent_studio, PRODUCER, PROJECT, None, "lock v2")
    [pending] = asked.pending
    done = resolve_approval(agent_studio, DIRECTOR, pending["approval_id"], "reject")
    assert done.reply.startswith("Not done: dana (director) rejected it")
    assert statuses(agent_studio)["v2"] == "draft"
    assert approval_row(agent_studio, pending["approval_id"]).state == "rejected"


def test_an_admins_approval_is_given_at_once_and_recorded(agent_studio: Any) -> None:
    approve(agent_studio, "v1")
    result = run_turn(agent_studio, ADMIN, PROJECT, None, "lock 3A")
    assert result.pending == [] and result.reply.startswith("v1 (shot 3A) is now locked.")
    with agent_studio.transaction() as session:
        [row] = session.scalars(select(Approval))
        assert (row.action, row.state, row.decided_by, row.decided_role) == (
            "lock",
            "approved",
            "local",
            "admin",
        )


def test_many_frames_wait_for_a_producer(agent_studio: Any) -> None:
    asked = run_turn(agent_studio, WRITER, PROJECT, None, "give me six frames of scene 2")
    [pending] = asked.pending
    assert (pending["action"], pending["needs_role"]) == ("render", "producer")
    assert pending["details"]["count"] == 6
    with pytest.raises(PermissionDenied):
        resolve_approval(agent_studio, DIRECTOR, pending["approval_id"], "approve")
    with pytest.raises(NotFound):
        resolve_approval(agent_studio, PRODUCER, pending["approval_id"], "approve", "other")
    done = resolve_approval(agent_studio, PRODUCER, pending["approval_id"], "approve")
    assert done.reply.startswith("Rendered 6 frame(s) of scene 2 as shot 2A")
    assert done.tool_calls == [{"name": "render_frames", "args": {"scene": "2", "count": 6}}]
    assert len(statuses(agent_studio)) == 8


def test_an_override_of_a_failed_check_waits_for_a_director(agent_studio: Any) -> None:
    with agent_studio.transaction() as session:
        version = session.get(Version, 2)
        assert version is not None
        version.continuity = "fail"
    text = "approve v2, override: the bandage reads fine at this size"
    asked = run_turn(agent_studio, PRODUCER, PROJECT, None, text)
    [pending] = asked.pending
    assert (pending["action"], pending["details"]["override_reason"]) == (
        "override",
        "the bandage reads fine at this size",
    )
    resolve_approval(agent_studio, DIRECTOR, pending["approval_id"], "approve")
    with agent_studio.transaction() as session:
        version = session.get(Version, 2)
        assert version is not None and version.status == "approved"
        assert version.status_history[-1]["override"] == "the bandage reads fine at this size"
        assert version.status_history[-1]["by"] == "dana"


def test_a_render_estimated_above_the_approval_cost_waits(
    agent_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FRAMELINE_APPROVAL_COST", "0")
    with open_frameline(Settings()) as frameline:
        asked = run_turn(frameline, WRITER, PROJECT, None, "give me three frames of scene 3")
        [pending] = asked.pending
        assert (pending["action"], pending["needs_role"]) == ("render", "producer")
        assert Decimal(pending["details"]["estimate"]) > 0
        assert "estimated" in asked.reply
        done = resolve_approval(frameline, PRODUCER, pending["approval_id"], "approve")
        assert done.reply.startswith("Rendered 3 frame(s) of scene 3")


def test_a_render_that_would_overspend_the_account_waits(agent_home: Path) -> None:
    from tools.budget import import_budget

    with open_frameline(Settings()) as frameline:
        csv = b"account,name,category,budget\n5400,Previsualisation,post,0.000001\n"
        import_budget(frameline, Actor("admin", "admin"), PROJECT, csv, "tight.csv")
        asked = run_turn(frameline, WRITER, PROJECT, None, "give me a frame of scene 3")
        [pending] = asked.pending
        assert (pending["action"], pending["needs_role"]) == ("render", "producer")
        assert "over its budget" in pending["details"]["reason"]
        refused = resolve_approval(frameline, PRODUCER, pending["approval_id"], "reject")
        assert "Rendered" not in refused.reply


@pytest.mark.slow
def test_a_pause_survives_a_restart_of_the_process(agent_home: Path, cli: Cli) -> None:
    with open_frameline(Settings()) as frameline:
        approve(frameline, "v1")
    asked = cli("ask", "--project", PROJECT, "--as", "producer", "lock 3A", "--json").json()
    [pending] = asked["pending"]
    assert pending["needs_role"] == "director"

    # A new process on the same home resumes the conversation from its checkpoint.
    command = [sys.executable, "-c", "from frameline.cli import main; main()"]
    command += ["approvals", "resolve", pending["approval_id"], "--decision", "approve"]
    resumed = subprocess.run(
        [*command, "--as", "director", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "FRAMELINE_HOME": str(agent_home)},
    )
    assert resumed.returncode == 0, resumed.stderr
    done = json.loads(resumed.stdout)
    assert done["thread_id"] == asked["thread_id"] and done["pending"] == []
    assert done["reply"].startswith("v1 (shot 3A) is now locked.")

    thread = asked["thread_id"]
    follow = cli("ask", "--project", PROJECT, "--thread", thread, "show versions of 3A", "--json")
    assert "v1 (shot 3A): locked" in follow.json()["reply"]
    with open_frameline(Settings()) as frameline:
        history = conversation(frameline, thread)
    said = [m["text"] for m in history["messages"] if m["role"] == "user"]
    assert said == ["lock 3A", "show versions of 3A"]
    assert history["messages"][3]["role"] == "assistant"
    assert history["messages"][3]["text"].startswith("v1 (shot 3A) is now locked.")
    assert history["messages"][3]["tool_calls"] == []


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A throwaway PostgreSQL on a free port; initdb refuses root, so it runs as postgres."""
    binaries = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    initdb = shutil.which("initdb") or (str(binaries[-1]) if binaries else None)
    if initdb is None:
        pytest.skip("needs PostgreSQL's initdb and pg_ctl")
    pg_ctl = str(Path(initdb).resolve().parent / "pg_ctl")
    as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    folder = Path(tempfile.mkdtemp(prefix="frameline-pg-"))
    if as_owner:
        shutil.chown(folder, "postgres")
    data, port = folder / "data", _free_port()
    run = {"check": True, "capture_output": True, "timeout": 120}
    subprocess.run([*as_owner, initdb, "-D", str(data), "-A", "trust", "-U", "frameline"], **run)
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1"
    start = [pg_ctl, "-D", str(data), "-o", options, "-l", str(folder / "log"), "-w", "start"]
    subprocess.run([*as_owner, *start], **run)
    try:
        yield f"postgresql+psycopg://frameline@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*as_owner, pg_ctl, "-D", str(data), "-m", "fast", "stop"], **run)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.slow
@pytest.mark.services
def test_conversations_persist_in_postgres(
    home: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from frameline.demo import load_demo
    from tools.jobs import submit_job

    monkeypatch.setenv("FRAMELINE_DATABASE_URL", postgres_url)
    with open_frameline(Settings()) as frameline:
        load_demo(frameline)
        job = submit_job(frameline, ADMIN, PROJECT, "render", {"scene": "3", "seed": 7})
        assert frameline.worker.run(job.job_id).state == "done"
        approve(frameline, "v1")
        asked = run_turn(frameline, PRODUCER, PROJECT, None, "lock 3A")
    [pending] = asked.pending
    with open_frameline(Settings()) as frameline:  # as another process would
        done = resolve_approval(frameline, DIRECTOR, pending["approval_id"], "approve")
        assert done.reply.startswith("v1 (shot 3A) is now locked.")
        said = [m["text"] for m in conversation(frameline, asked.thread_id)["messages"]]
        assert said[0] == "lock 3A" and said[-1] == done.reply
    assert not (home / "conversations.db").exists()
    engine = create_engine(postgres_url)
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT count(*) FROM checkpoints")).scalar()
    engine.dispose()
    assert stored
