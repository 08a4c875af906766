"""Exports of a project as downloads: cuts, the animatic, handouts — and their progress as SSE.

`GET …/exports/{format}` answers the file. With `media=true` an editorial format comes zipped
with the folder of frames it refers to, so the cut opens wherever the zip is unpacked.
`GET …/exports/{format}/events` runs the same export while streaming `progress` events (frames
done of total) and ends with `done` carrying the report and a one-time `download` URL; long
animatics use it. Unfetched downloads are dropped after an hour.
"""

from __future__ import annotations

import queue
import secrets
import shutil
import tempfile
import threading
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, StreamingResponse
from starlette.background import BackgroundTask

from api.deps import CallerDep, FramelineDep
from api.problems import ERROR_RESPONSES
from api.sse import sse_response
from core.errors import FramelineError, InvalidInput, NotFound
from tools.exports import FORMATS, ExportFormat, ExportOptions, export_project, parse_durations

router = APIRouter(prefix="/v1/projects", tags=["exports"], responses=ERROR_RESPONSES)

KEEP_SECONDS = 3600


@dataclass(frozen=True)
class Download:
    """A finished export waiting to be fetched once."""

    project: str
    folder: Path
    name: str
    media_type: str
    made: float


def _downloads(request: Request) -> dict[str, Download]:
    """The app's finished exports by token, with the stale ones dropped."""
    state = request.app.state
    if not hasattr(state, "export_downloads"):
        state.export_downloads = {}
    downloads: dict[str, Download] = state.export_downloads
    for token, download in list(downloads.items()):
        if time.time() - download.made > KEEP_SECONDS:
            downloads.pop(token, None)
            shutil.rmtree(download.folder, ignore_errors=True)
    return downloads


def _chosen(format: str) -> ExportFormat:
    chosen = FORMATS.get(format)
    if chosen is None:
        raise InvalidInput(f"unknown export format {format!r}; formats are {', '.join(FORMATS)}")
    return chosen


def _options(
    scene: str | None, duration: list[str] | None, timecode: bool, audio: str | None
) -> ExportOptions:
    return ExportOptions(
        scene=scene, durations=parse_durations(duration), burn_timecode=timecode, audio=audio
    )


def _bundle(out: Path, report: dict[str, Any]) -> Path:
    """The export and its frames' folder in one zip, laid out as they were written."""
    bundle = out.with_name(out.name + ".zip")
    with zipfile.ZipFile(bundle, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(out, out.name)
        media = report.get("media")
        if media:
            for frame in sorted(Path(media).iterdir()):
                archive.write(frame, f"{Path(media).name}/{frame.name}", zipfile.ZIP_STORED)
    return bundle


def _run(
    frameline: Any, caller: Any, format: str, options: ExportOptions, media: bool
) -> tuple[Path, str, str, dict[str, Any]]:
    """Export into a fresh temporary folder; the file to send, its name and media type."""
    chosen = _chosen(format)
    if media and not chosen.media_folder:
        raise InvalidInput(f"media=true applies to formats with a frames folder, not {format}")
    folder = Path(tempfile.mkdtemp(prefix="frameline-export-"))
    name = chosen.filename(caller.project)
    try:
        report = export_project(
            frameline, caller.actor, caller.project, format, folder / name, options=options
        )
        if media:
            return _bundle(folder / name, report), name + ".zip", "application/zip", report
        return folder / name, name, chosen.media_type, report
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


SceneQuery = Annotated[
    str | None, Query(max_length=16, description="Continuity report of one scene.")
]
DurationQuery = Annotated[
    list[str] | None,
    Query(max_length=64, description="SHOT=SECONDS, repeatable: a shot's length on the cut."),
]
TimecodeQuery = Annotated[bool, Query(description="mp4: burn the record timecode in.")]
AudioQuery = Annotated[
    str | None, Query(max_length=16, description="mp4: 'scratch' speaks the dialogue.")
]
MediaQuery = Annotated[
    bool, Query(description="Editorial formats: a zip of the cut and its frames folder.")
]


@router.get(
    "/{slug}/exports/{format}",
    response_class=FileResponse,
    responses={
        200: {
            "description": "The export as a file download.",
            "content": {f.media_type: {} for f in FORMATS.values()},
        }
    },
)
def download_export(
    format: str,
    caller: CallerDep,
    frameline: FramelineDep,
    scene: SceneQuery = None,
    duration: DurationQuery = None,
    timecode: TimecodeQuery = False,
    audio: AudioQuery = None,
    media: MediaQuery = False,
) -> FileResponse:
    """A cut (edl, fcp7xml, fcpx, aaf, otio, otioz), the mp4 animatic, or a handout."""
    options = _options(scene, duration, timecode, audio)
    path, name, media_type, _ = _run(frameline, caller, format, options, media)
    return FileResponse(
        path,
        media_type=media_type,
        filename=name,
        background=BackgroundTask(shutil.rmtree, path.parent, ignore_errors=True),
    )


@router.get(
    "/{slug}/exports/{format}/events",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": "progress … done"}},
)
def export_events(
    format: str,
    request: Request,
    caller: CallerDep,
    frameline: FramelineDep,
    scene: SceneQuery = None,
    duration: DurationQuery = None,
    timecode: TimecodeQuery = False,
    audio: AudioQuery = None,
    media: MediaQuery = False,
) -> StreamingResponse:
    """The export's `progress` events, then `done` with its report and a one-time download URL."""
    _chosen(format)
    options = _options(scene, duration, timecode, audio)
    downloads = _downloads(request)
    events: queue.Queue[tuple[str, Any]] = queue.Queue()

    def progress(done: int, total: int, shot: str) -> None:
        events.put(("progress", {"done": done, "total": total, "shot": shot}))

    def work() -> None:
        try:
            chosen = replace(options, progress=progress)
            path, name, media_type, report = _run(frameline, caller, format, chosen, media)
        except FramelineError as error:
            events.put(("error", {"status": error.http_status, "detail": error.message}))
            return
        except Exception as error:
            events.put(("error", {"status": 500, "detail": f"{type(error).__name__}: {error}"}))
            return
        token = secrets.token_urlsafe(16)
        downloads[token] = Download(caller.project, path.parent, path.name, media_type, time.time())
        url = f"/v1/projects/{caller.project}/export-downloads/{token}"
        events.put(("done", {**report, "download": url, "filename": name}))

    threading.Thread(target=work, name=f"export-{format}", daemon=True).start()

    def stream() -> Iterator[tuple[str, Any]]:
        while True:
            event, data = events.get()
            yield event, data
            if event in ("done", "error"):
                return

    return sse_response(stream())


@router.get("/{slug}/export-downloads/{token}", response_class=FileResponse)
def fetch_export(token: str, request: Request, caller: CallerDep) -> FileResponse:
    """A finished export from `…/events`, once; then it is gone."""
    download = _downloads(request).get(token)
    if download is None or download.project != caller.project:
        raise NotFound("no such export download (each is fetched once, within an hour)")
    _downloads(request).pop(token, None)
    return FileResponse(
        download.folder / download.name,
        media_type=download.media_type,
        filename=download.name,
        background=BackgroundTask(shutil.rmtree, download.folder, ignore_errors=True),
    )
