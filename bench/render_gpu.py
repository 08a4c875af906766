"""Time SD 1.5- and SDXL-architecture rendering on a CUDA GPU, set up as the diffusers backend is.

Run: .venv/bin/python bench/render_gpu.py [--compile] [--steps N] [--reps N]. Weights are random
(speed does not depend on their values), so nothing is downloaded. Each measurement is what a
pipeline does after text encoding: N steps of the UNet with classifier-free guidance (a batch of
two), then one VAE decode, in bf16 (fp16 where the card lacks it) with SDPA attention and a
channels_last UNet. FLOPs of one UNet call and one decode are counted with torch's
FlopCounterMode, as shared/reference/sd_bench.py counts them, to give the fraction of the card's
dense bf16 peak reached.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

import torch

SD15_UNET: dict[str, Any] = {
    "sample_size": 64,
    "cross_attention_dim": 768,
    "attention_head_dim": 8,
    "block_out_channels": (320, 640, 1280, 1280),
}
SDXL_UNET: dict[str, Any] = {
    "sample_size": 128,
    "cross_attention_dim": 2048,
    "attention_head_dim": (5, 10, 20),
    "block_out_channels": (320, 640, 1280),
    "transformer_layers_per_block": (1, 2, 10),
    "down_block_types": ("DownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D"),
    "up_block_types": ("CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "UpBlock2D"),
    "use_linear_projection": True,
    "addition_embed_type": "text_time",
    "addition_time_embed_dim": 256,
    "projection_class_embeddings_input_dim": 2816,
}
SD_VAE: dict[str, Any] = {
    "latent_channels": 4,
    "block_out_channels": (128, 256, 512, 512),
    "down_block_types": ("DownEncoderBlock2D",) * 4,
    "up_block_types": ("UpDecoderBlock2D",) * 4,
    "layers_per_block": 2,
}
"""SD 1.5's VAE; SDXL's has the same shape, so it costs the same."""

PEAK_BF16_TFLOPS = (
    ("H100 PCIe", 756.0),
    ("H100 NVL", 835.0),
    ("H100", 989.0),
    ("H200", 989.0),
    ("A100", 312.0),
    ("L40S", 362.0),
)
"""Dense bf16 peaks from NVIDIA's data sheets, matched in order against the device name."""

GUIDANCE = 6.5
SIDES = (512, 1024)


def peak_tflops(device_name: str) -> float | None:
    """The card's dense bf16 peak, or None for a card not in the table."""
    return next((peak for name, peak in PEAK_BF16_TFLOPS if name in device_name), None)


def conditioning(
    model: str, batch: int, device: torch.device, dtype: torch.dtype
) -> dict[str, Any]:
    """Random text embeddings shaped as each model's text encoders give them."""
    width = 2048 if model == "sdxl" else 768
    kwargs: dict[str, Any] = {
        "encoder_hidden_states": torch.randn(batch, 77, width, device=device, dtype=dtype)
    }
    if model == "sdxl":
        kwargs["added_cond_kwargs"] = {
            "text_embeds": torch.randn(batch, 1280, device=device, dtype=dtype),
            "time_ids": torch.randn(batch, 6, device=device, dtype=dtype),
        }
    return kwargs


def timed(run: Callable[[], None], reps: int) -> float:
    """Best wall time of `reps` runs after one warm-up, with the GPU drained around each."""
    run()
    torch.cuda.synchronize()
    best = float("inf")
    for _ in range(reps):
        started = time.perf_counter()
        run()
        torch.cuda.synchronize()
        best = min(best, time.perf_counter() - started)
    return best


def count_tflop(
    model: str, unet: torch.nn.Module, vae: Any, side: int, steps: int, dtype: torch.dtype
) -> float:
    """TFLOP of one image: `steps` UNet calls on a guided pair of latents, then one decode.

    Counted on the eager modules, before any compile: FlopCounterMode sees their aten calls.
    """
    from torch.utils.flop_counter import FlopCounterMode

    device = next(unet.parameters()).device
    latents = torch.randn(1, 4, side // 8, side // 8, device=device, dtype=dtype)
    cond = conditioning(model, 2, device, dtype)
    with torch.inference_mode():
        with FlopCounterMode(display=False) as counter:
            unet(torch.cat([latents, latents]), torch.tensor(999, device=device), **cond)
        unet_flop = counter.get_total_flops()
        with FlopCounterMode(display=False) as counter:
            vae.decode(latents / vae.config.scaling_factor)
        vae_flop = counter.get_total_flops()
    return (steps * unet_flop + vae_flop) / 1e12


def time_image(
    model: str,
    unet: torch.nn.Module,
    vae: Any,
    side: int,
    steps: int,
    dtype: torch.dtype,
    reps: int,
) -> tuple[float, float]:
    """Best seconds of the denoising loop and of the decode for one image."""
    from diffusers import EulerDiscreteScheduler

    device = next(unet.parameters()).device
    scheduler = EulerDiscreteScheduler(num_train_timesteps=1000)
    cond = conditioning(model, 2, device, dtype)
    latents = torch.randn(1, 4, side // 8, side // 8, device=device, dtype=dtype)

    def denoise() -> None:
        scheduler.set_timesteps(steps, device=device)
        x = latents.clone()
        for t in scheduler.timesteps:
            pair = scheduler.scale_model_input(torch.cat([x, x]), t)
            uncond, text = unet(pair, t, **cond).sample.chunk(2)
            x = scheduler.step(uncond + GUIDANCE * (text - uncond), t, x).prev_sample

    def decode() -> None:
        vae.decode(latents / vae.config.scaling_factor)

    with torch.inference_mode():
        return timed(denoise, reps), timed(decode, reps)


def build(config: dict[str, Any], device: str, dtype: torch.dtype) -> tuple[torch.nn.Module, Any]:
    """A random-weight UNet (channels_last, as the backend sets it) and VAE on the device."""
    from diffusers import AutoencoderKL, UNet2DConditionModel

    with torch.device(device):  # initialise on the GPU: a CPU init of SDXL's 2.6 B weights is slow
        unet = UNet2DConditionModel(**config).to(dtype=dtype).eval()
        vae = AutoencoderKL(**SD_VAE).to(dtype=dtype).eval()
    unet.to(memory_format=torch.channels_last)
    return unet, vae


def main(argv: Sequence[str] | None = None) -> int:
    """Print seconds per image and the fraction of the GPU's bf16 peak for each model and size."""
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--compile", action="store_true", help="torch.compile the UNet first")
    options.add_argument("--steps", type=int, default=30, help="denoising steps per image")
    options.add_argument("--reps", type=int, default=2, help="timed runs after the warm-up")
    args = options.parse_args(argv)
    if not torch.cuda.is_available():
        print("no CUDA GPU: skipped")
        return 0
    from diffusers.utils import logging

    logging.set_verbosity_error()  # casting random-weight modules to bf16 warns once per module
    device = "cuda"
    dtype = torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    name = torch.cuda.get_device_name()
    peak = peak_tflops(name)
    print(f"{name}, torch {torch.__version__}, {dtype}, {args.steps} steps, compile={args.compile}")
    print(
        f"{'model':<6} {'side':>5} {'unet s':>8} {'vae s':>7} {'s/image':>8} "
        f"{'TFLOP':>7} {'TFLOP/s':>8} {'of peak':>8} {'GiB':>6}"
    )
    for model, config in (("sd15", SD15_UNET), ("sdxl", SDXL_UNET)):
        unet, vae = build(config, device, dtype)
        attention = {type(p).__name__ for p in unet.attn_processors.values()}
        print(
            f"{model}: {sum(p.numel() for p in unet.parameters()) / 1e9:.2f} B UNet weights, "
            f"attention {', '.join(sorted(attention))}"
        )
        tflop = {side: count_tflop(model, unet, vae, side, args.steps, dtype) for side in SIDES}
        if args.compile:
            unet.compile(mode="max-autotune-no-cudagraphs")  # as the backend compiles it
        for side in SIDES:
            torch.cuda.reset_peak_memory_stats()
            unet_s, vae_s = time_image(model, unet, vae, side, args.steps, dtype, args.reps)
            achieved = tflop[side] / (unet_s + vae_s)
            fraction = f"{achieved / peak:8.1%}" if peak else f"{'n/a':>8}"
            print(
                f"{model:<6} {side:>5} {unet_s:8.2f} {vae_s:7.2f} {unet_s + vae_s:8.2f} "
                f"{tflop[side]:7.1f} {achieved:8.1f} {fraction} "
                f"{torch.cuda.max_memory_allocated() / 2**30:6.1f}",
                flush=True,
            )
        del unet, vae
        torch.cuda.empty_cache()
    if peak is None:
        print(f"no bf16 peak on record for {name}: fractions left out")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
