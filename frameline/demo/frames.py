"""The demo's first frames: a few previz panels per scene, so a first look is a storyboard.

Seeds and prompts are fixed, so every first start draws the same pixels.
"""

from __future__ import annotations

from tools.context import Actor, Studio
from tools.frames import VersionView, render_frame

DEMO_SHOTS = (("wide", "eye-level"), ("medium", "eye-level"))
"""Each scene opens on a wide establishing shot, then a medium on its people."""
DEMO_SEED = 1000


def render_demo_frames(studio: Studio, project: str = "demo") -> list[VersionView]:
    """Draw the demo's panels with the previz backend (another backend would be slow and costly:
    then the board starts empty, as a production of one's own would)."""
    from memory.store import active_scenes, get_project

    if studio.settings.image_backend != "previz":
        return []
    actor = Actor("local", "admin")
    with studio.transaction() as session:
        numbers = [scene.number for scene in active_scenes(session, get_project(session, project))]
    made: list[VersionView] = []
    for index, number in enumerate(numbers):
        for take, (framing, angle) in enumerate(DEMO_SHOTS):
            made += render_frame(
                studio,
                actor,
                project,
                number,
                framing=framing,
                angle=angle,
                seed=DEMO_SEED + 10 * index + take,
            )
    return made
