"""The diffusers backend on a CUDA GPU: half precision, channels_last, SDPA and tiled decoding.

Uses the same tiny random-weight SD 1.x model as the CPU tests, so it runs in seconds on any card.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from tests.fakes.tiny_pipeline import tiny_sd_model_dir
from tools.backends.base import FrameSpec
from tools.backends.diffusers import DiffusersBackend

pytestmark = [
    pytest.mark.cuda,
    pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU"),
]


def frame(width: int = 64, height: int = 64) -> FrameSpec:
    """A frame spec of the demo's harbour scene at the given size."""
    return FrameSpec(
        prompt="Wide shot. EXT. HARBOUR - NIGHT. Rain on the pier.",
        width=width,
        height=height,
        scene_number="1",
        shot_code="1A",
        heading="EXT. HARBOUR - NIGHT",
    )


@pytest.fixture(scope="session")
def tiny_sd(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny SD 1.x model folder, in the Hub's layout."""
    return tiny_sd_model_dir(tmp_path_factory)


@pytest.fixture(scope="module")
def backend(tiny_sd: Path) -> DiffusersBackend:
    """The backend as a studio runs it: device auto, which must pick the GPU."""
    return DiffusersBackend(tiny_sd, steps=3)


def test_auto_picks_the_gpu_in_half_precision(backend: DiffusersBackend) -> None:
    assert backend.device == "cuda"
    assert backend.device_class == "gpu"
    unet = backend.pipelines().text_to_image.unet
    assert unet.device.type == "cuda"
    assert unet.dtype == (torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16)


def test_frames_render_and_seeds_reproduce(backend: DiffusersBackend) -> None:
    first = np.asarray(backend.text_to_image(frame(), seed=3), dtype=np.int16)
    again = np.asarray(backend.text_to_image(frame(), seed=3), dtype=np.int16)
    other = np.asarray(backend.text_to_image(frame(), seed=4), dtype=np.int16)
    assert first.shape == (64, 64, 3)
    assert first.std() > 1  # NaNs in half precision would come out as a flat black frame
    assert np.array_equal(first, again)
    assert not np.array_equal(first, other)


def test_the_unet_is_channels_last_with_sdpa_attention(backend: DiffusersBackend) -> None:
    pipes = backend.pipelines()
    unet = pipes.text_to_image.unet
    assert unet.conv_in.weight.is_contiguous(memory_format=torch.channels_last)
    assert {type(p).__name__ for p in unet.attn_processors.values()} == {"AttnProcessor2_0"}
    assert pipes.image_to_image.unet is unet is pipes.inpaint.unet


def test_frames_over_a_megapixel_decode_in_tiles(backend: DiffusersBackend) -> None:
    vae = backend.pipelines().text_to_image.vae
    assert backend.text_to_image(frame(1088, 1024), seed=1).size == (1088, 1024)
    assert vae.use_tiling
    assert backend.text_to_image(frame(), seed=1).size == (64, 64)
    assert not vae.use_tiling


def test_a_batch_renders_on_the_gpu(backend: DiffusersBackend) -> None:
    images = backend.text_to_images([frame()] * 3, [1, 2, 3])
    assert [image.size for image in images] == [(64, 64)] * 3
    first, second = (np.asarray(image, dtype=np.int16) for image in images[:2])
    assert not np.array_equal(first, second)
