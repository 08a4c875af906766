"""Jobs on `frameline worker` processes through Celery and Redis (FRAMELINE_BROKER_URL).

Design: jobs stay `queued` in the records and the broker only carries wake-ups. A message of
the task `frameline.pull` tells a free worker to take its turns: claim the fairest startable job
(tools/scheduling.py), run it with tools.jobs.execute_job, and claim again until none may start.
So the order is the fair order whatever the broker holds, and a worker prefers jobs for the
model it has loaded.

Nothing is lost: every worker keeps a heartbeat key in Redis and watches the others'. A job
whose worker died (SIGKILL, power loss) goes back to the queue and another worker runs it;
execute_job is idempotent by job id, so a version that was already written is found, not
written twice. Celery's late acknowledgement also hands a dead worker's wake-up to another.

Progress events travel over Redis pub/sub (channel `frameline:job:{id}`), so the API's SSE
and the Slack status message follow a job that runs on another machine.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from sqlalchemy import select

from core.errors import BackendUnavailable, BudgetExceeded
from memory.records import Job, utcnow
from tools.jobs import FINISHED, Event, JobView, execute_job, get_job
from tools.scheduling import (
    Limits,
    claim_next_job,
    load_queue,
    pick_next,
    quota_waits,
    requeue_job,
    running_holders,
)

if TYPE_CHECKING:
    from celery import Celery
    from redis import Redis

QUEUE = "gpu"
PULL_TASK = "frameline.pull"
CHANNEL_PREFIX = "frameline:job:"
WORKER_KEY_PREFIX = "frameline:worker:"
HOLDER_PREFIX = "celery:"
POLL_SECONDS = 1.0
NO_WORKER_GRACE = 5.0

log = logging.getLogger("frameline.worker")


def _redis(url: str) -> Redis:
    """A Redis client of the broker; celery and redis are the optional `scale` extra."""
    try:
        from redis import Redis
    except ImportError as error:
        raise BackendUnavailable(
            "FRAMELINE_BROKER_URL is set but the redis client is not installed; "
            "install frameline[scale]"
        ) from error
    return Redis.from_url(url, socket_connect_timeout=5, health_check_interval=30)


def celery_app(settings: Any) -> Celery:
    """The Celery app of the broker: late acks, one job reserved at a time, wake-ups on `gpu`."""
    try:
        from celery import Celery
    except ImportError as error:
        raise BackendUnavailable(
            "FRAMELINE_BROKER_URL is set but celery is not installed; install frameline[scale]"
        ) from error
    app = Celery("frameline", broker=settings.broker_url, set_as_current=False)
    app.conf.update(
        task_default_queue=QUEUE,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_ignore_result=True,
        worker_prefetch_multiplier=1,
        broker_transport_options={"visibility_timeout": settings.broker_visibility_timeout},
        broker_connection_retry_on_startup=True,
        worker_send_task_events=False,
    )
    return app


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return parts._replace(
        netloc=f"{parts.username or ''}:***@{parts.hostname}:{parts.port}"
    ).geturl()


@contextmanager
def broker_errors(url: str) -> Iterator[None]:
    """A broker that cannot be reached is a BackendUnavailable naming it (without password)."""
    from kombu.exceptions import OperationalError
    from redis.exceptions import RedisError

    try:
        yield
    except (OperationalError, RedisError) as error:
        raise BackendUnavailable(
            f"cannot reach the broker at {_without_password(url)} (FRAMELINE_BROKER_URL): {error}"
        ) from error


def check_broker(url: str) -> str:
    """`ok` when the broker answers, else why not (for /readyz)."""
    try:
        client = _redis(url)
        try:
            client.ping()
        finally:
            client.close()
    except Exception as error:  # any failure means not ready; say which
        return f"{type(error).__name__}: {error}"
    return "ok"


def live_workers(client: Redis) -> list[dict[str, Any]]:
    """The workers whose heartbeat is current: name, slots, model, device, busy."""
    found = []
    for key in client.scan_iter(match=WORKER_KEY_PREFIX + "*", count=100):
        raw = client.get(key)
        if raw:
            found.append(json.loads(raw))
    return found


class RedisJobEvents:
    """Job events over Redis pub/sub: the JobEvents interface, across processes and machines."""

    def __init__(self, client: Redis) -> None:
        self.client = client
        self._lock = threading.Lock()
        self._listeners: dict[str, list[queue.Queue[Event]]] = {}
        self._pubsub: Any = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    def publish(self, job_id: str, event: str, data: dict[str, Any]) -> None:
        """Send an event to every listener of the job, in any process."""
        message = json.dumps({"event": event, "data": data}, default=str)
        self.client.publish(CHANNEL_PREFIX + job_id, message)

    def subscribe(
        self, job_id: str, listener: queue.Queue[Event] | None = None
    ) -> queue.Queue[Event]:
        """A queue (a new one unless given) that receives the job's events from now on."""
        listener = listener if listener is not None else queue.Queue()
        with self._lock:
            self._listen()
            self._listeners.setdefault(job_id, []).append(listener)
        return listener

    def unsubscribe(self, job_id: str, listener: queue.Queue[Event]) -> None:
        """Stop sending the job's events to this queue."""
        with self._lock:
            listeners = self._listeners.get(job_id, [])
            if listener in listeners:
                listeners.remove(listener)
            if not listeners:
                self._listeners.pop(job_id, None)

    def close(self) -> None:
        """Stop listening."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._pubsub is not None:
            self._pubsub.close()

    def _listen(self) -> None:
        """Subscribe once, and wait for the confirmation so no event after `subscribe` is lost."""
        if self._thread is not None:
            return
        pubsub = self.client.pubsub()
        pubsub.psubscribe(CHANNEL_PREFIX + "*")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            message = pubsub.get_message(timeout=1.0)
            if message and message["type"] == "psubscribe":
                break
        else:
            pubsub.close()
            raise BackendUnavailable("the broker did not confirm the job-events subscription")
        self._pubsub = pubsub
        self._thread = threading.Thread(target=self._run, name="frameline-events", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                message = self._pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
            except Exception:  # the broker went away: redis-py resubscribes on reconnect
                log.warning("job events: lost the broker, reconnecting", exc_info=True)
                time.sleep(1.0)
                continue
            if not message or message["type"] != "pmessage":
                continue
            job_id = _text(message["channel"]).removeprefix(CHANNEL_PREFIX)
            payload = json.loads(_text(message["data"]))
            with self._lock:
                listeners = list(self._listeners.get(job_id, ()))
            for listener in listeners:
                listener.put((payload["event"], payload["data"]))


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


class GpuWorker:
    """What one `frameline worker` process does: fair turns, a heartbeat, lost-worker rescue.

    The pipeline is loaded before the first job and stays loaded; `loaded_model` is what the
    scheduler matches revisions against.
    """

    def __init__(self, frameline: Any, nodename: str, slots: int) -> None:
        settings = frameline.settings
        self.frameline = frameline
        self.nodename = nodename
        self.slots = slots
        self.holder = f"{HOLDER_PREFIX}{nodename}:{secrets.token_hex(3)}"
        self.app = celery_app(settings)
        self.redis = _redis(settings.broker_url)
        self.events = RedisJobEvents(self.redis)
        self.limits = Limits.from_settings(settings)
        self.lost_after = float(settings.worker_lost_after)
        self.loaded_model: str | None = None
        self._busy = 0
        self._busy_lock = threading.Lock()
        self._stopping = threading.Event()
        self._missing_since: dict[str, float] = {}
        self._heartbeat: threading.Thread | None = None
        self._register_task()

    def _register_task(self) -> None:
        worker = self

        @self.app.task(name=PULL_TASK, ignore_result=True)
        def pull(submitted_job_id: str | None = None) -> int:
            """A worker's turn: run the fairest startable jobs until none may start."""
            return worker.take_turns()

    def preload(self) -> None:
        """Load the pipeline now, so the first job doesn't pay for it and errors show at start."""
        backend = self.frameline.image_backend()
        if hasattr(backend, "pipelines"):
            backend.pipelines()
        self.loaded_model = backend.model_id

    def start(self) -> None:
        """Announce this worker and start its heartbeat (which also rescues lost jobs)."""
        self._beat()
        self._heartbeat = threading.Thread(
            target=self._heartbeat_loop, name="frameline-heartbeat", daemon=True
        )
        self._heartbeat.start()

    def stop(self) -> None:
        """Take no more jobs, and withdraw the heartbeat."""
        self._stopping.set()
        if self._heartbeat is not None:
            self._heartbeat.join(timeout=10)
        self.redis.delete(WORKER_KEY_PREFIX + self.holder)
        self.events.close()
        self.redis.close()
        self.app.close()

    def stopping(self) -> None:
        """Finish the running job but claim no other (Celery's warm shutdown)."""
        self._stopping.set()

    def take_turns(self) -> int:
        """Claim and run jobs in fair order until none may start; how many ran."""
        ran = 0
        with self._busy_lock:
            self._busy += 1
        try:
            while not self._stopping.is_set():
                job_id = claim_next_job(self.frameline, self.holder, self.limits, self.loaded_model)
                if job_id is None:
                    break
                self._run(job_id)
                ran += 1
        finally:
            with self._busy_lock:
                self._busy -= 1
        return ran

    def _run(self, job_id: str) -> None:
        try:
            execute_job(self.frameline, job_id, self.events, worker=self.holder)
        except Exception:
            # The records or broker failed around the job, not the job: let another try it.
            log.exception("job %s failed to run here; putting it back in the queue", job_id)
            if requeue_job(self.frameline, job_id, self.holder):
                self.wake()
            raise
        self.loaded_model = self.frameline.image_backend().model_id

    @property
    def _beat_seconds(self) -> float:
        return self.lost_after / 6

    def _beat(self) -> None:
        value = {
            "name": self.nodename,
            "holder": self.holder,
            "pid": os.getpid(),
            "slots": self.slots,
            "model": self.loaded_model,
            "device": self.frameline.settings.device,
            "busy": self._busy,
        }
        self.redis.set(
            WORKER_KEY_PREFIX + self.holder,
            json.dumps(value),
            px=int(self.lost_after * 500),
        )

    def _heartbeat_loop(self) -> None:
        while not self._stopping.wait(self._beat_seconds):
            try:
                self._beat()
                rescued = self.rescue_lost_jobs()
                if rescued or (self._busy == 0 and self._startable()):
                    self.wake()
            except Exception:  # a broker or database blip must not stop the heartbeat
                log.warning("heartbeat failed; retrying", exc_info=True)

    def rescue_lost_jobs(self) -> list[str]:
        """Put back in the queue the running jobs of workers whose heartbeat stopped.

        A heartbeat key lives half of FRAMELINE_WORKER_LOST_AFTER; a worker counts as lost once
        its key has been missing for the other half, so a restarted Redis loses no one.
        """
        now = time.monotonic()
        rescued: list[str] = []
        holders = running_holders(self.frameline)
        for holder, job_ids in holders.items():
            if not holder.startswith(HOLDER_PREFIX) or holder == self.holder:
                continue
            if self.redis.exists(WORKER_KEY_PREFIX + holder):
                self._missing_since.pop(holder, None)
                continue
            first_missed = self._missing_since.setdefault(holder, now)
            if now - first_missed < self.lost_after / 2:
                continue
            for job_id in job_ids:
                if requeue_job(self.frameline, job_id, holder):
                    log.warning("worker %s was lost; job %s goes back in the queue", holder, job_id)
                    rescued.append(job_id)
        for holder in set(self._missing_since) - set(holders):
            self._missing_since.pop(holder)
        return rescued

    def _startable(self) -> bool:
        with self.frameline.transaction() as session:
            state = load_queue(session, utcnow())
        return pick_next(state, self.limits) is not None

    def wake(self) -> None:
        """Send a wake-up, so a free worker (maybe this one) takes its turn."""
        self.app.send_task(PULL_TASK, args=[None], queue=QUEUE)


def run_worker(frameline: Any, *, nodename: str, concurrency: int, loglevel: str) -> None:
    """Serve the `gpu` queue until stopped: the body of `frameline worker`."""
    from celery.signals import worker_shutting_down

    worker = GpuWorker(frameline, nodename, concurrency)
    worker.preload()
    worker.start()

    def shutting_down(**_: Any) -> None:
        worker.stopping()

    worker_shutting_down.connect(shutting_down, weak=False)
    pool = "solo" if concurrency == 1 else "threads"
    argv = ["worker", "--queues", QUEUE, "--pool", pool, "--concurrency", str(concurrency)]
    argv += ["--hostname", nodename, "--loglevel", loglevel, "--without-gossip"]
    argv += ["--without-mingle"]
    try:
        worker.wake()  # jobs may have queued while no worker was up
        worker.app.worker_main(argv)
    finally:
        worker_shutting_down.disconnect(shutting_down)
        worker.stop()


def default_nodename() -> str:
    """A Celery node name unique on this machine: frameline<pid>@<host>."""
    return f"frameline{os.getpid()}@{socket.gethostname()}"


class CeleryWorkerClient:
    """The API's and CLI's side of the broker, with InProcessWorker's interface.

    `enqueue` sends a wake-up and gives a Future that resolves when the job ends (on its `done`
    event, or when the records say so), or fails with BudgetExceeded as soon as the job waits
    for quota (the job stays queued); `run` also gives up when no worker is running.
    """

    def __init__(self, studio: Any) -> None:
        settings = studio.settings
        self.studio = studio
        self.app = celery_app(settings)
        self.redis = _redis(settings.broker_url)
        self.events = RedisJobEvents(self.redis)
        self.limits = Limits.from_settings(settings)
        self._pending: dict[str, Future[JobView]] = {}
        self._updates: queue.Queue[Event] = queue.Queue()
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._watcher: threading.Thread | None = None

    def enqueue(self, job_id: str) -> Future[JobView]:
        """Queue the job for the workers; the Future resolves when it ends."""
        future = self._watch(job_id)
        self.wake(job_id)
        return future

    def wake(self, job_id: str | None = None) -> None:
        """Send a wake-up to the workers (after a submit, an approval or a restart)."""
        with broker_errors(self.studio.settings.broker_url):
            self.app.send_task(PULL_TASK, args=[job_id], queue=QUEUE)

    def run(self, job_id: str) -> JobView:
        """Queue the job and wait for it; a job that waits for quota or a worker is an error."""
        future = self.enqueue(job_id)
        unserved_since: float | None = None
        while True:
            try:
                return future.result(timeout=POLL_SECONDS)
            except FutureTimeout:
                pass
            now = time.monotonic()
            unserved_since = None if self.workers() else (unserved_since or now)
            if unserved_since is not None and now - unserved_since >= NO_WORKER_GRACE:
                self._forget(job_id)
                raise BackendUnavailable(
                    f"job {job_id} is queued but no frameline worker serves the broker; start "
                    "one with `frameline worker` and it will run the job"
                )

    def resume_queued(self) -> list[str]:
        """Wake the workers for the jobs that waited while this process was down."""
        with self.studio.transaction() as session:
            waiting = list(session.scalars(select(Job.id).where(Job.state == "queued")))
        for job_id in waiting:
            self.wake(job_id)
        return waiting

    def workers(self) -> list[dict[str, Any]]:
        """The live workers (from their heartbeats)."""
        with broker_errors(self.studio.settings.broker_url):
            return live_workers(self.redis)

    def slots(self) -> int:
        """How many jobs the live workers run at once (at least 1, for estimates)."""
        return max(sum(int(w.get("slots", 1)) for w in self.workers()), 1)

    def close(self) -> None:
        """Stop following jobs; running jobs carry on in their workers."""
        self._closed.set()
        if self._watcher is not None:
            self._watcher.join(timeout=5)
        with self._lock:
            pending, self._pending = self._pending, {}
        for job_id, future in pending.items():
            future.set_exception(BackendUnavailable(f"stopped following job {job_id}"))
        self.events.close()
        self.redis.close()
        self.app.close()

    def _watch(self, job_id: str) -> Future[JobView]:
        with self._lock:
            future = self._pending.get(job_id)
            if future is None:
                future = Future()
                future.set_running_or_notify_cancel()
                self._pending[job_id] = future
                self.events.subscribe(job_id, self._updates)
            if self._watcher is None:
                self._watcher = threading.Thread(
                    target=self._follow, name="frameline-jobs", daemon=True
                )
                self._watcher.start()
        return future

    def _forget(self, job_id: str) -> Future[JobView] | None:
        """Stop following the job; its Future, if it was followed."""
        with self._lock:
            future = self._pending.pop(job_id, None)
        self.events.unsubscribe(job_id, self._updates)
        return future

    def _follow(self) -> None:
        """Resolve futures on `done` events; poll the records too, in case an event was missed."""
        polled = time.monotonic()
        while not self._closed.is_set():
            try:
                event, data = self._updates.get(timeout=POLL_SECONDS)
                if event == "done":
                    self._resolve(str(data["job_id"]))
            except queue.Empty:
                pass
            if time.monotonic() - polled >= POLL_SECONDS:
                polled = time.monotonic()
                try:
                    self._poll_records()
                except Exception:  # the database blipped; the next poll tries again
                    log.warning("could not read job states", exc_info=True)

    def _poll_records(self) -> None:
        with self._lock:
            pending = list(self._pending)
        if not pending:
            return
        with self.studio.transaction() as session:
            ended = list(
                session.scalars(select(Job.id).where(Job.id.in_(pending), Job.state.in_(FINISHED)))
            )
        for job_id in ended:
            self._resolve(job_id)
        for job_id, reason in quota_waits(self.studio, pending, self.limits).items():
            future = self._forget(job_id)
            if future is not None:
                future.set_exception(
                    BudgetExceeded(
                        f"job {job_id} waits: {reason}; it starts when the quota renews at "
                        "midnight UTC, or once a producer approves it: "
                        f"frameline queue approve {job_id}"
                    )
                )

    def _resolve(self, job_id: str) -> None:
        future = self._forget(job_id)
        if future is None:
            return
        try:
            future.set_result(get_job(self.studio, job_id))
        except Exception as error:  # the job vanished or the records failed: say so
            future.set_exception(error)


def worker_slots(frameline: Any) -> int:
    """Jobs that run at once: the live workers' slots with a broker, else the in-process one."""
    return int(frameline.worker.slots()) if frameline.settings.broker_url else 1


def make_worker(frameline: Any) -> CeleryWorkerClient | None:
    """The broker client when FRAMELINE_BROKER_URL is set, else None (the in-process worker)."""
    if not frameline.settings.broker_url:
        return None
    return CeleryWorkerClient(frameline)
