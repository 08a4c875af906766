"""A long prompt through chunked CLIP embeddings on a CUDA GPU, in the pipeline's half precision."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from tests.fakes.tiny_pipeline import tiny_sd_model_dir
from tools.backends.base import FrameSpec
from tools.backends.diffusers import DiffusersBackend, chunked_clip_embeddings, cut_at_word

pytestmark = [
    pytest.mark.cuda,
    pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU"),
]

LONG = (
    "close-up shot, harbour. night, rain, lit by lantern. Mara (30s, wiry, dark hair pulled "
    "back, knit cap, bright yellow oilskin coat), centre, facing camera. Tomas (40s, broad, "
    "bearded, navy pea coat), left, facing right. A battered ferry noses in against the pilings. "
    "with compass, crate and rope. cinematic storyboard frame, film still."
)
NEGATIVE = "text, caption, watermark, logo, extra limbs, deformed hands, blurry, low quality"


def spec(prompt: str) -> FrameSpec:
    return FrameSpec(
        prompt=prompt,
        width=64,
        height=64,
        scene_number="1",
        shot_code="1A",
        heading="EXT. HARBOUR - NIGHT",
        negative_prompt=NEGATIVE,
    )


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> DiffusersBackend:
    model: Path = tiny_sd_model_dir(tmp_path_factory)
    return DiffusersBackend(model, device="cuda", steps=2)


def test_chunked_embeddings_on_the_gpu_match_the_pipeline_dtype_and_read_the_tail(
    backend: DiffusersBackend,
) -> None:
    prompt, note = backend.fit_prompt(LONG)
    assert note is not None and "chunked CLIP embeddings" in note
    pipe = backend.pipelines().text_to_image
    embeds = chunked_clip_embeddings(pipe, [prompt, NEGATIVE])
    assert embeds.device.type == "cuda" and embeds.dtype == pipe.text_encoder.dtype
    assert embeds.shape[1] % 77 == 0 and embeds.shape[1] > 77

    def draw(text: str) -> np.ndarray:
        return np.asarray(backend.text_to_image(spec(text), seed=3), dtype=np.int16)

    whole = draw(prompt)
    assert np.array_equal(whole, draw(prompt))
    first = cut_at_word(prompt, pipe.tokenizer, 77)
    assert np.abs(whole - draw(first)).max() > 0
