"""The animatic: the boards in script order as a 24 fps H.264 MP4, each held for its shot's length.

Each frame is letterboxed into the picture above a caption band naming the scene and shot with
the words the shot covers (its dialogue, else its action or caption), in plain DejaVu so every
alphabet prints. `burn_timecode` draws the record timecode (01:00:00:00 on) in the corner, as
the OTIO timeline and the shot list count it. `audio="scratch"` adds scratch dialogue spoken by
`espeak-ng`, each shot's speeches starting at its first frame and cut at its last.
Encoded with PyAV, whose wheels carry FFmpeg and libx264.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import wave
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from core.errors import BackendUnavailable, InvalidInput
from tools.context import Actor, Studio
from tools.exports import FPS, BoardShot, ExportOptions, read_board, staged, timecode
from tools.fonts import dejavu

WIDTH, HEIGHT = 960, 540
BAND_H = 96
H264_ENCODERS = ("libx264", "libopenh264", "h264")
SAMPLE_RATE = 22050
AUDIO_MODES = ("scratch",)


def h264_encoder() -> str:
    """The first H.264 encoder PyAV's FFmpeg has; none is an error saying what to install."""
    for name in H264_ENCODERS:
        try:
            av.codec.Codec(name, "w")
        except Exception:
            continue
        return name
    raise BackendUnavailable("this PyAV has no H.264 encoder; install the `av` wheel from PyPI")


def caption_lines(shot: BoardShot) -> tuple[str, str]:
    """The band's two lines: where we are, and what is said or done."""
    where = f"SCENE {shot.scene} · SHOT {shot.code}"
    if shot.location:
        where += f" · {shot.location}"
    words = " / ".join(shot.dialogue) or shot.action or shot.description
    return where, " ".join(words.split())


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: Any, width: int, lines: int) -> list[str]:
    """Words wrapped to the band's width; what does not fit ends in an ellipsis."""
    out: list[str] = []
    line = ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if draw.textlength(trial, font=font) <= width:
            line = trial
            continue
        if line:
            out.append(line)
        line = word
        if len(out) == lines:
            break
    if line and len(out) < lines:
        out.append(line)
    if len(out) == lines and " ".join(out) != " ".join(text.split()):
        while out[-1] and draw.textlength(out[-1] + "…", font=font) > width:
            out[-1] = out[-1][:-1]
        out[-1] += "…"
    return out


def board_card(shot: BoardShot, fonts: dict[str, Any]) -> Image.Image:
    """The shot's picture: its frame fitted above the caption band (a grey card without one)."""
    card = Image.new("RGB", (WIDTH, HEIGHT), (16, 16, 18))
    picture_h = HEIGHT - BAND_H
    draw = ImageDraw.Draw(card)
    if shot.image_path is not None and shot.image_path.is_file():
        with Image.open(shot.image_path) as frame:
            frame = frame.convert("RGB")
            frame.thumbnail((WIDTH, picture_h))
            card.paste(frame, ((WIDTH - frame.width) // 2, (picture_h - frame.height) // 2))
    else:
        draw.text(
            (WIDTH // 2, picture_h // 2),
            f"{shot.code}: no frame yet",
            font=fonts["title"],
            fill=(150, 150, 156),
            anchor="mm",
        )
    draw.rectangle((0, picture_h, WIDTH, HEIGHT), fill=(0, 0, 0))
    where, words = caption_lines(shot)
    draw.text((16, picture_h + 10), where, font=fonts["title"], fill=(255, 214, 102))
    for index, line in enumerate(_wrap(draw, words, fonts["body"], WIDTH - 32, 2)):
        draw.text((16, picture_h + 40 + index * 24), line, font=fonts["body"], fill=(240, 240, 240))
    return card


def _speech(text: str, folder: Path, index: int) -> np.ndarray:
    """The words spoken by espeak-ng as mono 16-bit samples at SAMPLE_RATE."""
    path = folder / f"{index}.wav"
    subprocess.run(
        ["espeak-ng", "-w", str(path), "--", text], check=True, capture_output=True, timeout=60
    )
    with wave.open(str(path)) as speech:
        rate, channels = speech.getframerate(), speech.getnchannels()
        samples = np.frombuffer(speech.readframes(speech.getnframes()), dtype=np.int16)
    samples = samples.reshape(-1, channels)[:, 0]
    if rate != SAMPLE_RATE:
        positions = np.linspace(0, len(samples) - 1, int(len(samples) * SAMPLE_RATE / rate))
        samples = np.interp(positions, np.arange(len(samples)), samples).astype(np.int16)
    return samples


def scratch_track(shots: list[BoardShot], total_frames: int) -> np.ndarray:
    """Every shot's dialogue spoken from its first frame, cut at its last."""
    track = np.zeros(total_frames * SAMPLE_RATE // FPS + SAMPLE_RATE, dtype=np.int16)
    start = 0
    with tempfile.TemporaryDirectory(prefix="frameline-scratch-") as folder:
        for index, shot in enumerate(shots):
            room = shot.frames * SAMPLE_RATE // FPS
            words = " ".join(line.partition(": ")[2] or line for line in shot.dialogue)
            if words.strip():
                spoken = _speech(words, Path(folder), index)[:room]
                track[start : start + len(spoken)] = spoken
            start += room
    return track[: total_frames * SAMPLE_RATE // FPS]


def _encode_audio(container: Any, stream: Any, samples: np.ndarray) -> None:
    chunk = 1024
    for offset in range(0, len(samples), chunk):
        piece = samples[offset : offset + chunk].reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(piece, format="s16", layout="mono")
        frame.sample_rate = SAMPLE_RATE
        frame.pts = offset
        frame.time_base = Fraction(1, SAMPLE_RATE)
        container.mux(stream.encode(frame))
    container.mux(stream.encode(None))


def write_animatic(
    studio: Studio, actor: Actor, project: str, out: Path, options: ExportOptions
) -> dict[str, Any]:
    """Write the project's animatic to `out` as MP4 (H.264, 24 fps, optional scratch audio)."""
    if options.audio is not None and options.audio not in AUDIO_MODES:
        raise InvalidInput(f"--audio {options.audio!r}: the one audio mode is 'scratch'")
    if options.audio == "scratch" and shutil.which("espeak-ng") is None:
        raise BackendUnavailable(
            "--audio scratch needs espeak-ng, which is not installed "
            "(Debian/Ubuntu: apt-get install espeak-ng; macOS: brew install espeak-ng)"
        )
    encoder = h264_encoder()
    board = read_board(studio, actor, project, options.durations)
    shots = board.shots
    if not shots:
        raise InvalidInput(f"{project!r} has no shots yet; render frames before an animatic")
    total = sum(shot.frames for shot in shots)
    audio = scratch_track(shots, total) if options.audio == "scratch" else None
    fonts = {
        "title": ImageFont.truetype(str(dejavu("B")), 20),
        "body": ImageFont.truetype(str(dejavu("")), 18),
        "timecode": ImageFont.truetype(str(dejavu("B")), 22),
    }
    done = 0
    with staged(out) as temporary, av.open(str(temporary), mode="w", format="mp4") as container:
        video = container.add_stream(encoder, rate=FPS)
        video.width, video.height, video.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        if encoder == "libx264":
            video.options = {"preset": "veryfast", "tune": "stillimage"}
        # Every stream is added before the first packet: MP4 writes its header then.
        sound = None
        if audio is not None:
            sound = container.add_stream("aac", rate=SAMPLE_RATE, layout="mono")
        for shot in shots:
            card = board_card(shot, fonts)
            for offset in range(shot.frames):
                picture = card
                if options.burn_timecode:
                    picture = card.copy()
                    ImageDraw.Draw(picture).text(
                        (WIDTH - 16, 12),
                        timecode(shot.start_frame + offset),
                        font=fonts["timecode"],
                        fill=(255, 255, 255),
                        anchor="ra",
                        stroke_width=2,
                        stroke_fill=(0, 0, 0),
                    )
                frame = av.VideoFrame.from_image(picture)
                frame.pts = done + offset
                container.mux(video.encode(frame))
            done += shot.frames
            if options.progress is not None:
                options.progress(done, total, shot.code)
        container.mux(video.encode(None))
        if sound is not None and audio is not None:
            _encode_audio(container, sound, audio)
    return {
        "format": "mp4",
        "path": str(out.resolve()),
        "codec": "h264",
        "encoder": encoder,
        "fps": FPS,
        "width": WIDTH,
        "height": HEIGHT,
        "frames": total,
        "seconds": round(total / FPS, 3),
        "shots": len(shots),
        "audio": options.audio,
        "bytes": out.stat().st_size,
    }
