"""Frameline's render_frame against the raw diffusers call, on the same tiny pipeline and seed.

Both run the same pipeline object, prompt, size, steps and seed on the CPU, so the ratio shows
what Frameline adds around a render: prompt building from memory, the PNG with provenance, the
content-addressed asset, the version row and its ledger entry (goal: ratio ≤ 1.05).
With --gpu, runs bench/render_gpu.py instead: DiffusersBackend against the raw diffusers pipeline
on CUDA, SD 1.5 architecture at --size (default there 512), --steps and --runs.
Run: python bench/render.py [--size 256] [--steps 20] [--runs 5] [--gpu]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    """Print the median seconds of both paths and their ratio."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--gpu", action="store_true")
    args = parser.parse_args()
    if args.gpu:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from render_gpu import main as gpu_main

        size = [] if "--size" not in sys.argv else ["--size", str(args.size)]
        steps = [] if "--steps" not in sys.argv else ["--steps", str(args.steps)]
        sys.argv = [sys.argv[0], *size, *steps, "--runs", str(max(args.runs, 5))]
        raise SystemExit(gpu_main())
    import torch

    from tests.fakes.tiny_pipeline import build_tiny_sd_model

    with tempfile.TemporaryDirectory() as folder:
        model = build_tiny_sd_model(Path(folder) / "tiny")
        os.environ.update(
            FRAMELINE_HOME=str(Path(folder) / "home"),
            FRAMELINE_IMAGE_BACKEND="diffusers",
            FRAMELINE_DIFFUSERS_MODEL=str(model),
            FRAMELINE_DEVICE="cpu",
        )
        from frameline.demo import load_demo
        from frameline.settings import Settings
        from frameline.wiring import open_frameline
        from tools.context import Actor
        from tools.frames import render_frame

        actor = Actor("bench", "admin")
        with open_frameline(Settings()) as frameline:
            load_demo(frameline)
            backend = frameline.image_backend()
            backend.steps = args.steps
            size = (args.size, args.size)
            [warm] = render_frame(frameline, actor, "demo", "3", size=size, seed=1)
            pipe = backend.pipelines().text_to_image
            prompt = warm.prompt

            def raw() -> None:
                pipe(
                    prompt=prompt,
                    negative_prompt="text, watermark, logo, extra limbs, deformed hands, blurry",
                    width=args.size,
                    height=args.size,
                    num_inference_steps=args.steps,
                    guidance_scale=backend.guidance,
                    generator=torch.Generator("cpu").manual_seed(1),
                )

            def ours() -> None:
                render_frame(frameline, actor, "demo", "3", shot="3A", size=size, seed=1)

            times: dict[str, list[float]] = {"raw diffusers": [], "render_frame": []}
            for run in range(args.runs):
                order = [("raw diffusers", raw), ("render_frame", ours)]
                for label, call in order if run % 2 == 0 else order[::-1]:
                    started = time.perf_counter()
                    call()
                    times[label].append(time.perf_counter() - started)
    medians = {label: statistics.median(values) for label, values in times.items()}
    print(f"tiny SD 1.x pipeline, CPU, {args.size}², {args.steps} steps, median of {args.runs}")
    for label, seconds in medians.items():
        print(f"{label:>14}: {seconds * 1000:8.1f} ms")
    print(f"ratio render_frame / raw = {medians['render_frame'] / medians['raw diffusers']:.3f}")


if __name__ == "__main__":
    main()
