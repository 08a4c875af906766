"""Frames on a CUDA GPU: Frameline's DiffusersBackend against the raw diffusers pipeline.

Run: python bench/render_gpu.py [--steps 30] [--runs 5] [--size 512]. Both sides load the same
SD 1.5-architecture model folder (random weights, built here: speed does not depend on weight
values, so nothing is downloaded), at the same size, steps, guidance and seed. Ours is the
product path, `DiffusersBackend.text_to_image` (prompt fitting, bf16, channels_last, the lock,
PIL output); raw is `AutoPipelineForText2Image.from_pretrained(...)(prompt, ...)` as diffusers'
documentation shows it. Each side: median of --runs after one warm-up. FLOPs of one UNet call
(classifier-free guidance, batch 2) and one VAE decode are counted with torch's FlopCounterMode,
as shared/reference/sd_bench.py counts them, giving the fraction of the card's dense bf16 peak.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

# Dense bf16 tensor-core peaks (vendor datasheets, without sparsity), by device name fragment.
PEAK_BF16_TFLOPS = {"H200": 989.0, "H100": 989.0, "A100": 312.0, "L40S": 362.0, "4090": 165.0}
PROMPT = "wide shot, exterior harbour at dawn, a woman in an oilskin looks at a rusted barge"
SD15_UNET: dict[str, Any] = {
    "sample_size": 64,
    "cross_attention_dim": 768,
    "attention_head_dim": 8,
    "block_out_channels": (320, 640, 1280, 1280),
}
SD15_VAE: dict[str, Any] = {
    "in_channels": 3,
    "out_channels": 3,
    "latent_channels": 4,
    "block_out_channels": (128, 256, 512, 512),
    "down_block_types": ("DownEncoderBlock2D",) * 4,
    "up_block_types": ("UpDecoderBlock2D",) * 4,
    "layers_per_block": 2,
}


def build_model(folder: Path) -> Path:
    """An SD 1.5-architecture folder (UNet, VAE, CLIP-L-sized text encoder), random weights."""
    import torch
    from diffusers import (
        AutoencoderKL,
        EulerDiscreteScheduler,
        StableDiffusionPipeline,
        UNet2DConditionModel,
    )
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTokenizer

    from tests.fakes.tiny_pipeline import _TOKENIZER_CONFIG, _write_vocab

    torch.manual_seed(0)
    tokens = folder / "tokens"
    tokens.mkdir(parents=True)
    vocab = _write_vocab(tokens)
    (tokens / "tokenizer_config.json").write_text(json.dumps(_TOKENIZER_CONFIG))
    tokenizer = CLIPTokenizer(
        str(tokens / "vocab.json"),
        str(tokens / "merges.txt"),
        pad_token="<|endoftext|>",
        model_max_length=77,
    )
    text = CLIPTextModel(
        CLIPTextConfig(
            vocab_size=len(vocab),
            hidden_size=768,
            intermediate_size=3072,
            num_hidden_layers=12,
            num_attention_heads=12,
            max_position_embeddings=77,
            bos_token_id=vocab["<|startoftext|>"],
            eos_token_id=vocab["<|endoftext|>"],
            pad_token_id=vocab["<|endoftext|>"],
        )
    )
    pipe = StableDiffusionPipeline(
        vae=AutoencoderKL(**SD15_VAE),
        text_encoder=text,
        tokenizer=tokenizer,
        unet=UNet2DConditionModel(**SD15_UNET),
        scheduler=EulerDiscreteScheduler(num_train_timesteps=1000),
        safety_checker=None,
        feature_extractor=None,
        requires_safety_checker=False,
    )
    model = folder / "sd15-random"
    pipe.save_pretrained(model)
    return model


def median_seconds(call: Callable[[], object], runs: int) -> tuple[float, list[float]]:
    """Median wall seconds of `runs` calls after one warm-up, each ended by a CUDA sync."""
    import torch

    call()
    torch.cuda.synchronize()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        torch.cuda.synchronize()
        times.append(time.perf_counter() - started)
    return statistics.median(times), times


def counted_flops(pipe: Any, side: int, steps: int) -> float:
    """FLOPs of one image: `steps` UNet calls at batch 2 (guidance) plus one VAE decode."""
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    unet, vae = pipe.unet, pipe.vae
    latent = side // 8
    x = torch.randn(2, 4, latent, latent, device="cuda", dtype=unet.dtype)
    context = torch.randn(2, 77, 768, device="cuda", dtype=unet.dtype)
    with torch.inference_mode():
        with FlopCounterMode(display=False) as unet_count:
            unet(x, torch.tensor(500, device="cuda"), encoder_hidden_states=context)
        with FlopCounterMode(display=False) as vae_count:
            vae.decode(x[:1] / vae.config.scaling_factor)
    return steps * unet_count.get_total_flops() + vae_count.get_total_flops()


def measure_ours(model: Path, size: int, steps: int, runs: int) -> tuple[float, list[float], Any]:
    """The product path's median seconds a frame, its runs and the dtype it chose."""
    from tools.backends.base import FrameSpec
    from tools.backends.diffusers import DiffusersBackend

    backend = DiffusersBackend(model, device="cuda", steps=steps, guidance=6.5)
    spec = FrameSpec(
        prompt=PROMPT,
        width=size,
        height=size,
        scene_number="1",
        shot_code="1A",
        heading="EXT. HARBOUR - DAWN",
    )
    median, times = median_seconds(lambda: backend.text_to_image(spec, 7), runs)
    return median, times, backend.pipelines().text_to_image.unet.dtype


def main() -> None:
    """Print ours and raw side by side, their ratio, and the fraction of bf16 peak."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--size", type=int, default=512)
    args = parser.parse_args()
    import torch
    from diffusers import AutoPipelineForText2Image

    if not torch.cuda.is_available():
        raise SystemExit("needs a CUDA GPU")
    name = torch.cuda.get_device_name()
    peak = next((v for k, v in PEAK_BF16_TFLOPS.items() if k in name), None)
    with tempfile.TemporaryDirectory() as folder:
        model = build_model(Path(folder))
        ours, ours_all, dtype = measure_ours(model, args.size, args.steps, args.runs)
        torch.cuda.empty_cache()

        raw_pipe = AutoPipelineForText2Image.from_pretrained(str(model), dtype=dtype).to("cuda")
        raw_pipe.set_progress_bar_config(disable=True)

        def raw() -> object:
            generator = torch.Generator("cuda").manual_seed(7)
            return raw_pipe(
                PROMPT,
                width=args.size,
                height=args.size,
                num_inference_steps=args.steps,
                guidance_scale=6.5,
                generator=generator,
            ).images[0]

        raw_seconds, raw_all = median_seconds(raw, args.runs)
        flops = counted_flops(raw_pipe, args.size, args.steps)
    print(
        f"{name}, torch {torch.__version__}, {dtype}, {args.size}x{args.size}, "
        f"{args.steps} steps, guidance 6.5, median of {args.runs}"
    )
    print(f"{'':<34}{'s / frame':>10}{'TFLOP/s':>10}{'of bf16 peak':>14}")
    for label, seconds in (
        ("DiffusersBackend.text_to_image", ours),
        ("raw diffusers pipeline", raw_seconds),
    ):
        rate = flops / seconds / 1e12
        share = f"{rate / peak:.1%}" if peak else "n/a"
        print(f"{label:<34}{seconds:10.3f}{rate:10.1f}{share:>14}")
    print(f"ratio ours / raw: {ours / raw_seconds:.3f} (counted {flops / 1e12:.2f} TFLOP a frame)")
    print("runs ours:", [round(t, 3) for t in ours_all], "raw:", [round(t, 3) for t in raw_all])


if __name__ == "__main__":
    main()
