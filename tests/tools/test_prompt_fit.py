"""Prompts that fit the model: most important first, within the text encoder's budget, long
prompts read whole through chunked CLIP embeddings on the tiny SD 1.x pipeline."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import torch

from memory.screenplay.contents import SceneContents
from tests.fakes.tiny_pipeline import tiny_sd_model_dir
from tools.backends.base import FrameSpec
from tools.backends.bedrock import BedrockImageBackend
from tools.backends.diffusers import DiffusersBackend, chunked_clip_embeddings, cut_at_word
from tools.depiction import CastLook, apply_words, build_depiction
from tools.prompting import NEGATIVE, compose_prompt

pytestmark = pytest.mark.slow

CAST = [
    CastLook("MARA", "30s, wiry, dark hair pulled back, knit cap, bright yellow oilskin coat"),
    CastLook("TOMAS", "40s, broad, bearded, salt-stained navy pea coat, sea boots"),
    CastLook("ADA", "70s, tiny, white hair cropped short, olive waxed jacket, rubber boots"),
]
HARBOUR = SceneContents(
    setting="harbour",
    props=("compass", "crate", "rope", "suitcase"),
    vehicles=("ferry", "barge"),
    weather=("rain",),
    light=("lantern",),
    time_of_day="night",
)


def long_prompt() -> str:
    shot = build_depiction(
        HARBOUR,
        "EXT",
        CAST,
        action=(
            "A battered ferry noses in against the pilings while Mara stands at the bow watching "
            "the needle of her father's brass compass swing and settle in the lantern light."
        ),
    )
    shot = apply_words(shot, "close-up on Mara", CAST)
    return compose_prompt(shot, facts=["MARA bandage on her left hand"], words="")


@pytest.fixture(scope="module", autouse=True)
def one_thread() -> Iterator[None]:
    """One torch thread: two shared cores run oneDNN much slower with two."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> DiffusersBackend:
    model: Path = tiny_sd_model_dir(tmp_path_factory)
    return DiffusersBackend(model, device="cpu", steps=2)


def test_the_key_content_comes_first_within_77_clip_tokens(backend: DiffusersBackend) -> None:
    prompt = long_prompt()
    tokenizer = backend.pipelines().text_to_image.tokenizer
    assert len(tokenizer(prompt).input_ids) > 77
    first = cut_at_word(prompt, tokenizer, 77)
    for key in ("close-up shot", "harbour", "night", "rain", "lantern"):
        assert key in first, key
    order = [prompt.index(p) for p in ("close-up", "night", "Mara (30s", "ferry noses", "film")]
    assert order == sorted(order)


def test_a_long_prompt_is_read_whole_through_chunked_embeddings(
    backend: DiffusersBackend,
) -> None:
    prompt = long_prompt()
    read, note = backend.fit_prompt(prompt)
    assert note is not None and "chunked CLIP embeddings" in note
    pipe = backend.pipelines().text_to_image
    # The toy vocabulary spells words letter by letter: three chunks hold a few clauses here.
    assert prompt.startswith(read) and len(pipe.tokenizer(read).input_ids) > 2 * 77
    embeds = chunked_clip_embeddings(pipe, [prompt, NEGATIVE])
    chunks = embeds.shape[1] // 77
    assert embeds.shape == (2, chunks * 77, 32) and chunks >= 2
    # One chunk is exactly what the pipeline's own encoder makes of a short prompt.
    short = "harbour at night"
    ids = pipe.tokenizer(short, padding="max_length", max_length=77, return_tensors="pt")
    with torch.no_grad():
        own = pipe.text_encoder(ids.input_ids)[0]
    assert torch.allclose(chunked_clip_embeddings(pipe, [short])[:, :77], own, atol=1e-6)


def test_the_tail_of_a_long_prompt_changes_the_frame(backend: DiffusersBackend) -> None:
    prompt, _ = backend.fit_prompt(long_prompt())
    tokenizer = backend.pipelines().text_to_image.tokenizer
    first_chunk = cut_at_word(prompt, tokenizer, 77)

    def draw(text: str) -> np.ndarray:
        spec = FrameSpec(
            prompt=text,
            width=64,
            height=64,
            scene_number="1",
            shot_code="1A",
            heading="EXT. HARBOUR - NIGHT",
            negative_prompt=NEGATIVE,
        )
        return np.asarray(backend.text_to_image(spec, seed=3), dtype=np.int16)

    whole = draw(prompt)
    assert np.array_equal(whole, draw(prompt))
    assert np.abs(whole - draw(first_chunk)).max() > 0


def test_nova_canvas_gets_the_most_important_1024_characters() -> None:
    prompt = long_prompt() + " " + "Weathered slate roofs and listing boats. " * 40
    fitted, note = BedrockImageBackend("us-east-1").fit_prompt(prompt)
    assert len(fitted) <= 1024 and note is not None
    assert fitted.startswith("close-up shot, harbour") and "night" in fitted
    assert "Mara (30s" in fitted
