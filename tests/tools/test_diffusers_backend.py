"""The diffusers backend on the CPU, driving a real SD 1.x pipeline with tiny random weights.

The model is built once per session (well under a second) and loaded the way a Hub download is.
Random weights draw noise, not pictures, so the tests check sizes, seeds, shared weights, progress
and errors, never what a frame shows.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from core.errors import BackendUnavailable, InvalidInput, NotFound
from tests.fakes.tiny_pipeline import (
    build_tiny_sd_model,
    copy_with_tokenizer_json,
    tiny_sd_model_dir,
    tiny_single_file,
)
from tools.backends.base import FrameSpec
from tools.backends.diffusers import DiffusersBackend, cut_at_word

pytestmark = pytest.mark.slow

STEPS = 2

PROMPT = (
    "Wide shot, eye-level. EXT. HARBOUR - NIGHT. Rain hammers the pier; Mara, soaked, runs into "
    "the lamplight with a suitcase."
)

DESCRIPTION = (
    "cinematic storyboard frame of a rain soaked harbour at night with the last ferry pulling "
    "away while a woman in a long coat runs along the wet pier holding a battered suitcase and "
    "the sodium lamps reflect in deep puddles between stacked crates and coiled ropes under a low "
    "heavy sky"
)
LONG_PROMPT = " ".join(
    f"{word}," if index % 7 == 6 else word for index, word in enumerate(DESCRIPTION.split() * 6)
)
"""About 300 words, far past what CLIP reads."""


def frame(width: int = 64, height: int = 64, **changes: object) -> FrameSpec:
    """A frame spec of the demo's harbour scene at the given size."""
    fields: dict[str, object] = {
        "prompt": PROMPT,
        "width": width,
        "height": height,
        "scene_number": "1",
        "shot_code": "1A",
        "heading": "EXT. HARBOUR - NIGHT",
    }
    fields.update(changes)
    return FrameSpec(**fields)  # type: ignore[arg-type]


def pixels(image: Image.Image) -> np.ndarray:
    """The image as signed integers, so differences don't wrap around."""
    return np.asarray(image.convert("RGB"), dtype=np.int16)


@pytest.fixture(scope="module", autouse=True)
def one_thread() -> Iterator[None]:
    """One torch thread: on two shared cores, two oneDNN threads spin and run ~100× slower."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="session")
def tiny_sd(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny SD 1.x model folder, in the Hub's layout."""
    return tiny_sd_model_dir(tmp_path_factory)


@pytest.fixture(scope="module")
def backend(tiny_sd: Path) -> DiffusersBackend:
    """One backend for the module, so the weights load once."""
    return DiffusersBackend(tiny_sd, device="cpu", steps=STEPS)


@pytest.fixture(scope="module")
def harbour(backend: DiffusersBackend) -> Image.Image:
    """A rendered frame to edit."""
    return backend.text_to_image(frame(), seed=7)


def test_text_to_image_draws_the_requested_size(backend: DiffusersBackend) -> None:
    assert backend.text_to_image(frame(64, 64), seed=1).size == (64, 64)
    # 72×44 is drawn at the nearest multiples of 8 and resized back to what was asked.
    assert backend.text_to_image(frame(72, 44), seed=1).size == (72, 44)


def test_the_same_seed_redraws_the_same_pixels_and_another_seed_does_not(
    backend: DiffusersBackend,
) -> None:
    first = pixels(backend.text_to_image(frame(), seed=11))
    again = pixels(backend.text_to_image(frame(), seed=11))
    other = pixels(backend.text_to_image(frame(), seed=12))
    assert np.array_equal(first, again)
    assert np.abs(first - other).mean() > 5


def test_a_batch_matches_frames_drawn_one_by_one(backend: DiffusersBackend) -> None:
    seeds = [21, 22, 23]
    singles = [pixels(backend.text_to_image(frame(), seed)) for seed in seeds]
    batch = [pixels(image) for image in backend.text_to_images([frame()] * 3, seeds)]
    # Batched matrix kernels sum in another order: at most a level or two of 255 moves.
    for single, batched in zip(singles, batch, strict=True):
        assert np.abs(single - batched).max() <= 2
    assert np.abs(batch[0] - batch[1]).mean() > 5


def test_frames_of_different_sizes_come_back_in_order(backend: DiffusersBackend) -> None:
    specs = [frame(64, 64), frame(96, 64), frame(64, 64)]
    images = backend.text_to_images(specs, [1, 2, 3])
    assert [image.size for image in images] == [(64, 64), (96, 64), (64, 64)]
    assert np.abs(pixels(images[0]) - pixels(backend.text_to_image(specs[0], 1))).max() <= 2


def test_image_to_image_child_keeps_the_parent_size(
    backend: DiffusersBackend, harbour: Image.Image
) -> None:
    parent = harbour.resize((72, 56))
    gentle = backend.image_to_image(parent, frame(), strength=0.3, seed=3)
    again = backend.image_to_image(parent, frame(), strength=0.3, seed=3)
    strong = backend.image_to_image(parent, frame(), strength=0.9, seed=3)
    assert gentle.size == strong.size == (72, 56)
    assert np.array_equal(pixels(gentle), pixels(again))
    assert not np.array_equal(pixels(gentle), pixels(strong))


def test_image_to_image_at_the_lowest_strength_still_runs_a_step(
    backend: DiffusersBackend, harbour: Image.Image
) -> None:
    steps: list[tuple[int, int]] = []
    child = backend.image_to_image(harbour, frame(), 0.01, 3, lambda s, t: steps.append((s, t)))
    assert child.size == harbour.size
    assert steps and steps[-1][0] == steps[-1][1]


def test_inpaint_repaints_the_masked_part_at_the_parent_size(
    backend: DiffusersBackend, harbour: Image.Image
) -> None:
    mask = Image.new("L", harbour.size, 0)
    mask.paste(255, (16, 16, 48, 48))
    child = backend.inpaint(harbour, mask, frame(prompt="a lighthouse"), seed=5)
    assert child.size == harbour.size
    inside = np.abs(pixels(child) - pixels(harbour))[16:48, 16:48]
    assert inside.mean() > 5


def test_the_three_pipelines_share_one_set_of_weights(backend: DiffusersBackend) -> None:
    pipes = backend.pipelines()
    assert pipes.text_to_image.unet is pipes.image_to_image.unet is pipes.inpaint.unet
    assert pipes.text_to_image.vae is pipes.image_to_image.vae is pipes.inpaint.vae
    assert pipes.text_to_image.text_encoder is pipes.inpaint.text_encoder
    assert type(pipes.inpaint).__name__ == "StableDiffusionInpaintPipeline"
    assert backend.pipelines() is pipes


def test_progress_counts_up_to_the_total(backend: DiffusersBackend) -> None:
    reports: list[tuple[int, int]] = []
    backend.text_to_image(
        frame(), seed=1, progress=lambda step, total: reports.append((step, total))
    )
    steps = [step for step, _ in reports]
    total = reports[-1][1]
    assert steps == list(range(1, total + 1))
    assert total >= STEPS
    assert {t for _, t in reports} == {total}


def test_the_model_is_named_after_its_family_and_folder(
    backend: DiffusersBackend, tiny_sd: Path, tmp_path: Path
) -> None:
    assert backend.name == "diffusers"
    assert backend.model_id == "sd1:tiny-sd-model"
    assert backend.device_class == "cpu"
    assert re.fullmatch(r"[0-9a-f]{64}", backend.model_hash)
    copy = shutil.copytree(tiny_sd, tmp_path / "tiny-sd-model")
    assert DiffusersBackend(copy).model_hash == backend.model_hash
    other = build_tiny_sd_model(tmp_path / "other", seed=1)
    assert DiffusersBackend(other).model_hash != backend.model_hash


def test_an_unknown_model_family_is_refused(tiny_sd: Path, tmp_path: Path) -> None:
    index = json.loads((tiny_sd / "model_index.json").read_text())
    index["_class_name"] = "KandinskyPipeline"
    (tmp_path / "model_index.json").write_text(json.dumps(index))
    with pytest.raises(InvalidInput, match="unknown model family KandinskyPipeline") as caught:
        DiffusersBackend(tmp_path)
    assert str(tmp_path) in caught.value.message


def test_missing_and_unusable_paths_are_named(tmp_path: Path) -> None:
    with pytest.raises(NotFound, match=re.escape(str(tmp_path / "nowhere"))):
        DiffusersBackend(tmp_path / "nowhere")
    with pytest.raises(InvalidInput, match="no model_index.json"):
        DiffusersBackend(tmp_path)
    notes = tmp_path / "notes.txt"
    notes.write_text("not a model")
    with pytest.raises(InvalidInput, match="notes.txt"):
        DiffusersBackend(notes)


def test_bad_settings_are_refused(tiny_sd: Path) -> None:
    with pytest.raises(InvalidInput, match="device"):
        DiffusersBackend(tiny_sd, device="tpu")
    with pytest.raises(InvalidInput, match="steps"):
        DiffusersBackend(tiny_sd, steps=0)


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a CUDA GPU")
def test_asking_for_a_gpu_without_one_is_a_clear_error(tiny_sd: Path) -> None:
    backend = DiffusersBackend(tiny_sd, device="cuda")
    with pytest.raises(BackendUnavailable, match="cuda.*use device auto or cpu"):
        backend.text_to_image(frame(), seed=1)
    assert DiffusersBackend(tiny_sd).device_class == "cpu"


def test_a_tokenizer_json_only_folder_loads_and_draws_the_same(
    backend: DiffusersBackend, tiny_sd: Path, tmp_path: Path
) -> None:
    assert {"vocab.json", "merges.txt"} <= {p.name for p in (tiny_sd / "tokenizer").iterdir()}
    folder = copy_with_tokenizer_json(tiny_sd, tmp_path / "tokenizer-json")
    names = {p.name for p in (folder / "tokenizer").iterdir()}
    assert "tokenizer.json" in names and "vocab.json" not in names
    other = DiffusersBackend(folder, device="cpu", steps=STEPS)
    assert np.array_equal(
        pixels(other.text_to_image(frame(), seed=4)), pixels(backend.text_to_image(frame(), seed=4))
    )
    assert other.fit_prompt(LONG_PROMPT) == backend.fit_prompt(LONG_PROMPT)


def test_a_long_prompt_is_read_in_chunks_and_cut_at_a_word_past_three(
    backend: DiffusersBackend,
) -> None:
    assert len(LONG_PROMPT.split()) >= 300
    read, note = backend.fit_prompt(LONG_PROMPT)
    assert note is not None
    said = re.match(r"prompt of (\d+) tokens, cut from (\d+) read in (\d+) chunks of 75", note)
    assert said is not None
    kept, whole, chunks = int(said[1]), int(said[2]), int(said[3])
    assert chunks == 3 and 150 < kept <= 225 < whole
    assert LONG_PROMPT.startswith(read) and LONG_PROMPT[len(read)] == " "


def test_cut_at_word_keeps_the_longest_start_that_fits(backend: DiffusersBackend) -> None:
    tokenizer = backend.pipelines().text_to_image.tokenizer
    cut = cut_at_word(LONG_PROMPT, tokenizer, 77)
    assert LONG_PROMPT.startswith(cut) and LONG_PROMPT[len(cut)] == " "
    assert 0 < len(tokenizer(cut).input_ids) <= 77
    next_word = LONG_PROMPT[: LONG_PROMPT.index(" ", len(cut) + 1)]
    assert len(tokenizer(next_word).input_ids) > 77
    # The toy vocabulary spells most words letter by letter, so "short" means a few words here.
    assert backend.fit_prompt("the harbour at night") == ("the harbour at night", None)


def test_fit_prompt_reads_only_the_tokenizer(tmp_path_factory: pytest.TempPathFactory) -> None:
    # The single-file config folder has no weights at all, so loading a pipeline would fail.
    _, config_folder = tiny_single_file(tmp_path_factory)
    cut, note = DiffusersBackend(config_folder).fit_prompt(LONG_PROMPT)
    assert note is not None and LONG_PROMPT.startswith(cut)


def test_a_single_file_checkpoint_draws_what_its_folder_draws(
    backend: DiffusersBackend, tmp_path_factory: pytest.TempPathFactory
) -> None:
    checkpoint, config_folder = tiny_single_file(tmp_path_factory)
    assert not list(config_folder.rglob("*.safetensors"))
    single = DiffusersBackend(checkpoint, config_path=config_folder, device="cpu", steps=STEPS)
    assert single.model_id == "sd1:tiny-sd-v1-seed0"
    assert np.array_equal(
        pixels(single.text_to_image(frame(), seed=9)),
        pixels(backend.text_to_image(frame(), seed=9)),
    )


def test_a_single_file_without_a_config_folder_says_what_is_needed(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    checkpoint, _ = tiny_single_file(tmp_path_factory)
    with pytest.raises(InvalidInput, match="FRAMELINE_DIFFUSERS_CONFIG"):
        DiffusersBackend(checkpoint)


def test_an_ip_adapter_that_is_not_there_is_named(tiny_sd: Path, tmp_path: Path) -> None:
    missing = tmp_path / "ip-adapter_sd15.safetensors"
    with pytest.raises(NotFound, match=re.escape(str(missing))):
        DiffusersBackend(tiny_sd, ip_adapter=missing)
    with pytest.raises(InvalidInput, match="weights file"):
        DiffusersBackend(tiny_sd, ip_adapter=tmp_path)


def test_an_unreadable_ip_adapter_is_a_backend_error(tiny_sd: Path, tmp_path: Path) -> None:
    weights = tmp_path / "ip-adapter_sd15.safetensors"
    weights.write_bytes(b"not safetensors")
    reference = tmp_path / "mara.png"
    Image.new("RGB", (32, 32), (200, 150, 120)).save(reference)
    backend = DiffusersBackend(tiny_sd, device="cpu", steps=STEPS, ip_adapter=weights)
    with pytest.raises(BackendUnavailable, match=re.escape(str(weights))):
        backend.text_to_image(frame(reference_images=(str(reference),)), seed=1)
    # Frames without references never touch the adapter.
    assert backend.text_to_image(frame(), seed=1).size == (64, 64)


def test_running_out_of_gpu_memory_halves_the_batch_then_says_so(
    tiny_sd: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Stands in for a full GPU: the UNet fails on any batch of more than one frame (two with CFG).
    backend = DiffusersBackend(tiny_sd, device="cpu", steps=STEPS)
    unet = backend.pipelines().text_to_image.unet
    forward = unet.forward

    def small_batches_only(sample: torch.Tensor, *args: object, **kwargs: object) -> object:
        if sample.shape[0] > 2:
            raise torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return forward(sample, *args, **kwargs)

    monkeypatch.setattr(unet, "forward", small_batches_only)
    images = backend.text_to_images([frame()] * 3, [1, 2, 3])
    assert [image.size for image in images] == [(64, 64)] * 3

    def never(*args: object, **kwargs: object) -> object:
        raise torch.cuda.OutOfMemoryError("CUDA out of memory")

    monkeypatch.setattr(unet, "forward", never)
    with pytest.raises(BackendUnavailable, match="out of GPU memory at 64x64 even one at a time"):
        backend.text_to_images([frame()] * 2, [1, 2])


def test_bad_edit_requests_are_refused(backend: DiffusersBackend, harbour: Image.Image) -> None:
    with pytest.raises(InvalidInput, match="strength"):
        backend.image_to_image(harbour, frame(), strength=1.5, seed=1)
    with pytest.raises(InvalidInput, match="mask is 32x32"):
        backend.inpaint(harbour, Image.new("L", (32, 32), 255), frame(), seed=1)
    with pytest.raises(InvalidInput, match="2 frames but 1 seeds"):
        backend.text_to_images([frame(), frame()], [1])
