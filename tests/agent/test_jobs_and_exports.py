"""The queue, one job and exports, asked for in chat: what the planner calls and what it says.

Jobs are real records made through the policy (a render over four frames waits for approval);
the replies are judged on the ids, states and positions they carry.
"""

from __future__ import annotations

from typing import Any

from agent.planner import SIGNATURE
from agent.service import run_turn
from memory.records import Job
from memory.store import get_or_create_project
from tools.context import Actor
from tools.jobs import submit_job

PROJECT = "demo"
WRITER, DIRECTOR, PRODUCER = (
    Actor(n, r) for n, r in [("wren", "writer"), ("dana", "director"), ("pat", "producer")]
)


def _calls(result: Any) -> list[tuple[str, dict[str, Any]]]:
    return [(call["name"], call["args"]) for call in result.tool_calls]


def test_the_queue_and_one_job_are_answered_from_chat(agent_studio: Any) -> None:
    queued = submit_job(agent_studio, WRITER, PROJECT, "render", {"scene": "6", "seed": 1})
    held = submit_job(agent_studio, DIRECTOR, PROJECT, "render", {"scene": "5", "count": 6})
    assert (queued.state, held.state) == ("queued", "waiting")

    everyone = run_turn(agent_studio, PRODUCER, PROJECT, None, "what's in the queue?")
    assert _calls(everyone) == [("list_jobs", {})]
    assert f"{queued.job_id} (render by wren): queued, #1" in everyone.reply
    assert f"{held.job_id} (render by dana): waiting for an approval" in everyone.reply
    assert everyone.reply.endswith(SIGNATURE)

    mine = run_turn(agent_studio, WRITER, PROJECT, None, "is my render done?")
    assert _calls(mine) == [("list_jobs", {"mine": True})]
    assert queued.job_id in mine.reply and held.job_id not in mine.reply

    asked = f"what's happening with job {queued.job_id}?"
    one = run_turn(agent_studio, DIRECTOR, PROJECT, None, asked)
    assert _calls(one) == [("get_job_status", {"job_id": queued.job_id})]
    assert f"Job {queued.job_id} (render by wren) is queued, #1 in line" in one.reply

    finished = agent_studio.worker.run(queued.job_id)
    made = ", ".join(v["version_id"] for v in finished.result["versions"])
    done = run_turn(agent_studio, WRITER, PROJECT, None, f"is job {queued.job_id} finished yet")
    assert f"Job {queued.job_id} (render by wren) is done: it made {made}." in done.reply
    again = run_turn(agent_studio, WRITER, PROJECT, None, "are my frames ready yet?")
    assert "No job of yours is waiting, queued or running." in again.reply
    assert f"{queued.job_id} (render by wren): done made {made}" in again.reply


def test_a_job_of_another_project_or_no_job_is_not_found(agent_studio: Any) -> None:
    with agent_studio.transaction() as session:
        other = get_or_create_project(session, "other-film")
        session.add(Job(id="jother0001", project_id=other.id, kind="render", request={}))
    for job_id in ("jother0001", "jnosuchjob"):
        result = run_turn(agent_studio, PRODUCER, PROJECT, None, f"status of job {job_id}")
        assert _calls(result) == [("get_job_status", {"job_id": job_id})]
        assert f"no job '{job_id}'" in result.reply
        assert "other-film" not in result.reply


def test_an_export_asked_for_gives_its_link_and_a_negation_gives_nothing(agent_studio: Any) -> None:
    result = run_turn(agent_studio, WRITER, PROJECT, None, "I need the shot list as a spreadsheet")
    assert _calls(result) == [("export_link", {"format": "csv"})]
    assert "/v1/projects/demo/exports/csv" in result.reply and "demo-shotlist.csv" in result.reply
    assert "frameline export --project demo --format csv" in result.reply
    assert result.reply.endswith(SIGNATURE)

    refused = run_turn(agent_studio, WRITER, PROJECT, None, "don't export anything yet")
    assert refused.tool_calls == [] and "nothing was changed" in refused.reply.lower()
    asked = run_turn(agent_studio, PRODUCER, PROJECT, None, "export")
    assert asked.tool_calls == [] and "Which format?" in asked.reply
