"""Stable Diffusion 1.x, SDXL, SD3 and Flux through Hugging Face diffusers, on CUDA or the CPU.

A model is a local diffusers folder (`model_index.json`) or one original-layout `.safetensors`/
`.ckpt` file with a local diffusers folder of the same family for its configs and tokenizers
(FRAMELINE_DIFFUSERS_CONFIG): nothing is ever fetched from the Hub. Weights load on first use,
once; the text-to-image, image-to-image and inpainting pipelines share them, so a GPU holds one
copy.

Seeds drive a CPU `torch.Generator`, so a seed starts from the same noise on any card or on the
CPU (the pixels still differ a little between devices, as their arithmetic does). A batch of
frames is one pipeline call with a generator per frame: each frame gets the noise its seed gives,
and the pixels match rendering the frames one by one to within rounding (batched matrix kernels
sum in another order; a level or two of 255 was seen on the CPU).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PIL import Image

from core.errors import BackendUnavailable, InvalidInput, NotFound
from tools.backends.base import FrameSpec, ImageBackend, Progress

if TYPE_CHECKING:
    from diffusers import DiffusionPipeline

_FAMILIES = {
    "StableDiffusionPipeline": "sd1",
    "StableDiffusionImg2ImgPipeline": "sd1",
    "StableDiffusionInpaintPipeline": "sd1",
    "StableDiffusionXLPipeline": "sdxl",
    "StableDiffusionXLImg2ImgPipeline": "sdxl",
    "StableDiffusionXLInpaintPipeline": "sdxl",
    "StableDiffusion3Pipeline": "sd3",
    "StableDiffusion3Img2ImgPipeline": "sd3",
    "StableDiffusion3InpaintPipeline": "sd3",
    "FluxPipeline": "flux",
    "FluxImg2ImgPipeline": "flux",
    "FluxInpaintPipeline": "flux",
}
"""The pipeline class a model folder names, and the family Frameline knows it as."""

_SIZE_STEP = {"sd1": 8, "sdxl": 8, "sd3": 16, "flux": 16}
"""Frame sides must be multiples of this: the VAE's 8× reduction, times 2 for 2×2 patch models."""

_PROMPT_TOKENIZER = {
    "sd1": "tokenizer",
    "sdxl": "tokenizer",
    "sd3": "tokenizer_3",
    "flux": "tokenizer_2",
}
_PROMPT_TOKENS = {"sd1": 77, "sdxl": 77, "sd3": 256, "flux": 512}
_CLIP_TOKENS = 77
_CHUNKED_FAMILIES = frozenset({"sd1"})
_MAX_CHUNKS = 3
"""Families whose UNet takes CLIP embeddings longer than 77 tokens as they are: SD 1.x. SDXL's
pooled second encoder reads one chunk only, so its prompts are cut (most important first)."""
"""The encoder that reads furthest into a prompt, and how far (diffusers' default lengths)."""

_TILING_PIXELS = 1024 * 1024
"""Above this, the VAE decodes in tiles: a 4K frame otherwise needs tens of GiB for one decode."""

_IP_ADAPTER_SCALE = 0.6
"""Strong enough to carry a cast member's likeness, weak enough to leave framing to the prompt."""

_DEVICE = re.compile(r"auto|cpu|cuda(:\d+)?")


@dataclass(frozen=True, slots=True)
class Pipelines:
    """The three pipelines of one loaded model; they share every weight and the scheduler."""

    text_to_image: DiffusionPipeline
    image_to_image: DiffusionPipeline
    inpaint: DiffusionPipeline


class DiffusersBackend(ImageBackend):
    """Frames from an open-weights diffusion model the studio keeps on its own disks."""

    name = "diffusers"

    def __init__(
        self,
        model_path: Path,
        config_path: Path | None = None,
        device: str = "auto",
        ip_adapter: Path | None = None,
        compile: bool = False,
        steps: int = 30,
        guidance: float = 6.5,
    ) -> None:
        """Check the paths and settings now; the weights load on first use."""
        self.model_path = Path(model_path)
        self.config_path = Path(config_path) if config_path is not None else None
        if not self.model_path.exists():
            raise NotFound(f"{self.model_path}: no such model folder or file")
        if self.model_path.is_dir():
            if not (self.model_path / "model_index.json").is_file():
                raise InvalidInput(
                    f"{self.model_path}: not a diffusers model folder (no model_index.json) "
                    "nor a .safetensors or .ckpt file"
                )
            self._index_dir = self.model_path
        elif self.model_path.suffix in (".safetensors", ".ckpt"):
            self._index_dir = self._single_file_config()
        else:
            raise InvalidInput(
                f"{self.model_path}: not a diffusers model folder nor a .safetensors or .ckpt file"
            )
        self._index = json.loads((self._index_dir / "model_index.json").read_text())
        class_name = self._index.get("_class_name", "")
        if class_name not in _FAMILIES:
            raise InvalidInput(
                f"{self._index_dir}: unknown model family {class_name or '(none)'}; "
                "Frameline runs SD 1.x, SDXL, SD3 and Flux"
            )
        self.family = _FAMILIES[class_name]
        if not _DEVICE.fullmatch(device):
            raise InvalidInput(f"device must be auto, cpu, cuda or cuda:N, got {device!r}")
        if steps < 1:
            raise InvalidInput(f"steps must be at least 1, got {steps}")
        if guidance < 0:
            raise InvalidInput(f"guidance must not be negative, got {guidance}")
        self.ip_adapter = Path(ip_adapter) if ip_adapter is not None else None
        if self.ip_adapter is not None:
            self._check_ip_adapter(self.ip_adapter)
        self.requested_device = device
        self.compile = compile
        self.steps = steps
        self.guidance = guidance
        name = self.model_path.name if self.model_path.is_dir() else self.model_path.stem
        self.model_id = f"{self.family}:{name}"
        # SD 1.x was trained at 512², the later families at about 1024²; 16:9 at that scale.
        self.default_size = (768, 432) if self.family == "sd1" else (1344, 768)
        self._lock = threading.RLock()  # a pipeline's scheduler keeps per-call state
        self._pipelines: Pipelines | None = None
        self._tokenizer: Any = None
        self._ip_adapter_loaded = False

    @cached_property
    def device(self) -> str:
        """The torch device frames render on; asking for a GPU that isn't there is an error."""
        import torch

        if self.requested_device == "auto":
            return "cuda" if torch.cuda.is_available() else "cpu"
        if self.requested_device.startswith("cuda"):
            index = int(self.requested_device.partition(":")[2] or 0)
            if not torch.cuda.is_available() or index >= torch.cuda.device_count():
                raise BackendUnavailable(
                    f"device {self.requested_device} was asked for but torch sees "
                    f"{torch.cuda.device_count()} CUDA GPU(s); use device auto or cpu"
                )
        return self.requested_device

    @property
    def device_class(self) -> str:  # type: ignore[override]
        """`gpu` when frames render on CUDA, else `cpu`: what the job queue routes by."""
        return "cpu" if self.device == "cpu" else "gpu"

    @cached_property
    def model_hash(self) -> str:  # type: ignore[override]
        """A fingerprint of every file of the model, without reading gigabytes of weights.

        sha256 over the sorted (relative path, size, sha256 of the first and last MiB) of each
        file; retrained or swapped weights change all of these, while touching a file does not.
        """
        roots = [("model", self.model_path)]
        if self.model_path.is_file():
            roots.append(("config", self._index_dir))
        digest = hashlib.sha256()
        for label, root in roots:
            files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
            for path in files:
                relative = path.relative_to(root)
                if any(part.startswith(".") for part in relative.parts):
                    continue  # download caches (.cache/huggingface) change without the model
                digest.update(f"{label}/{relative.as_posix()}\0{path.stat().st_size}\0".encode())
                digest.update(_ends_digest(path))
        return digest.hexdigest()

    def pipelines(self) -> Pipelines:
        """The loaded pipelines (loading them the first time), for callers that need the objects."""
        with self._lock:
            if self._pipelines is None:
                self._pipelines = self._load()
            return self._pipelines

    def fit_prompt(self, prompt: str) -> tuple[str, str | None]:
        """The prompt as the model will read it, and a note when it is long.

        Prompts come most important first (framing and setting, time and weather, cast, action,
        style). SD 1.x reads a long prompt whole through chunked CLIP embeddings; the other
        families' prompts are cut at a word boundary to what their text encoder reads.
        """
        tokenizer = self._prompt_tokenizer()
        limit = min(tokenizer.model_max_length, _PROMPT_TOKENS[self.family])

        def tokens(text: str) -> int:
            return len(tokenizer(text, verbose=False).input_ids)

        if tokens(prompt) <= limit:
            return prompt, None
        if self.family in _CHUNKED_FAMILIES:
            most = _MAX_CHUNKS * (limit - 2) + 2
            whole = tokens(prompt) - 2
            text = prompt if whole + 2 <= most else cut_at_word(prompt, tokenizer, most)
            read = tokens(text) - 2
            chunks = -(-read // (limit - 2))
            cut = f", cut from {whole}" if text != prompt else ""
            return text, (
                f"prompt of {read} tokens{cut} read in {chunks} chunks of {limit - 2} "
                "(chunked CLIP embeddings); the first chunk holds the framing, setting, time "
                "of day and cast"
            )
        cut = cut_at_word(prompt, tokenizer, limit)
        kept = tokens(cut) - tokens("")
        return cut, f"prompt cut to {kept} tokens; the model reads at most {limit}"

    def text_to_image(
        self, spec: FrameSpec, seed: int, progress: Progress | None = None
    ) -> Image.Image:
        """A new frame for the spec at the spec's size; the same seed gives the same pixels."""
        return self.text_to_images([spec], [seed], progress)[0]

    def text_to_images(
        self, specs: Sequence[FrameSpec], seeds: Sequence[int], progress: Progress | None = None
    ) -> list[Image.Image]:
        """Frames batched by size into single pipeline calls, halving a batch the GPU can't hold."""
        if len(specs) != len(seeds):
            raise InvalidInput(f"{len(specs)} frames but {len(seeds)} seeds")
        images: list[Image.Image | None] = [None] * len(specs)
        groups: dict[tuple[int, int, tuple[str, ...]], list[int]] = {}
        for index, spec in enumerate(specs):
            key = (spec.width, spec.height, spec.reference_images)
            groups.setdefault(key, []).append(index)
        for (width, height, references), indexes in groups.items():
            # diffusers repeats IP-Adapter images per prompt, not per batch: one frame a call.
            uses_adapter = self.ip_adapter is not None and (
                bool(references) or self._ip_adapter_loaded
            )
            batch = 1 if uses_adapter else len(indexes)
            done = 0
            while done < len(indexes):
                chunk = indexes[done : done + batch]
                rendered = self._text_to_image_call(
                    [specs[i] for i in chunk], [seeds[i] for i in chunk], progress
                )
                if rendered is None:
                    if len(chunk) == 1:
                        raise BackendUnavailable(
                            f"out of GPU memory at {width}x{height} even one at a time; "
                            "render smaller frames, free the GPU of other work or use device cpu"
                        )
                    batch = max(1, len(chunk) // 2)
                    continue
                for index, image in zip(chunk, rendered, strict=True):
                    if image.size != (width, height):
                        image = image.resize((width, height), Image.Resampling.LANCZOS)
                    images[index] = image
                done += len(chunk)
        return [image for image in images if image is not None]

    def image_to_image(
        self,
        parent: Image.Image,
        spec: FrameSpec,
        strength: float,
        seed: int,
        progress: Progress | None = None,
    ) -> Image.Image:
        """The parent re-noised by `strength` (kept at least 0.05) and denoised towards the spec."""
        if not 0.0 <= strength <= 1.0:
            raise InvalidInput(f"strength must be between 0 and 1, got {strength}")
        strength = max(strength, 0.05)
        size = self._render_size(parent.width, parent.height)
        pipes = self.pipelines()
        with self._lock:
            images = self._call(
                pipes.image_to_image,
                progress,
                size,
                image=parent.convert("RGB").resize(size, Image.Resampling.LANCZOS),
                strength=strength,
                # diffusers runs int(steps × strength) steps; never let that reach zero.
                num_inference_steps=max(self.steps, math.ceil(1 / strength)),
                generator=[_generator(seed)],
                **self._prompt_kwargs([spec]),
                **self._reference_kwargs(spec.reference_images),
            )
        return self._as_parent(images, parent, f"{parent.width}x{parent.height}")

    def inpaint(
        self,
        parent: Image.Image,
        mask: Image.Image,
        spec: FrameSpec,
        seed: int,
        progress: Progress | None = None,
    ) -> Image.Image:
        """The parent with the mask's white part painted afresh; the caller composites exactly."""
        if mask.size != parent.size:
            raise InvalidInput(
                f"the mask is {mask.width}x{mask.height} but the frame is "
                f"{parent.width}x{parent.height}"
            )
        size = self._render_size(parent.width, parent.height)
        pipes = self.pipelines()
        with self._lock:
            images = self._call(
                pipes.inpaint,
                progress,
                size,
                image=parent.convert("RGB").resize(size, Image.Resampling.LANCZOS),
                mask_image=mask.convert("L").resize(size, Image.Resampling.NEAREST),
                width=size[0],
                height=size[1],
                strength=1.0,  # fresh content under the mask, not a re-noised copy of the old
                num_inference_steps=self.steps,
                generator=[_generator(seed)],
                **self._prompt_kwargs([spec]),
                **self._reference_kwargs(spec.reference_images),
            )
        return self._as_parent(images, parent, f"{parent.width}x{parent.height}")

    def _single_file_config(self) -> Path:
        """The local diffusers folder a single-file checkpoint takes its configs from."""
        if self.config_path is None:
            raise InvalidInput(
                f"{self.model_path}: a single-file checkpoint needs FRAMELINE_DIFFUSERS_CONFIG, a "
                "local diffusers folder of the same family, for its configs and tokenizers "
                "(offline, diffusers cannot fetch them)"
            )
        if not self.config_path.exists():
            raise NotFound(f"{self.config_path}: no such diffusers config folder")
        if not (self.config_path / "model_index.json").is_file():
            raise InvalidInput(
                f"{self.config_path}: not a diffusers model folder (no model_index.json)"
            )
        return self.config_path

    def _check_ip_adapter(self, path: Path) -> None:
        """Refuse an IP-Adapter the backend could not load, before any frame is queued."""
        if not path.exists():
            raise NotFound(f"{path}: no such IP-Adapter weights file")
        if not path.is_file():
            raise InvalidInput(
                f"{path}: give the IP-Adapter weights file (such as "
                "models/ip-adapter_sd15.safetensors) with its image_encoder/ folder beside it"
            )
        if self.family not in ("sd1", "sdxl"):
            raise InvalidInput(
                f"{path}: Frameline uses IP-Adapters with SD 1.x and SDXL models only"
            )

    def _load(self) -> Pipelines:
        """Load the weights once, on the device, and build the three pipelines around them."""
        import diffusers
        import torch
        from diffusers import (
            AutoPipelineForImage2Image,
            AutoPipelineForInpainting,
            AutoPipelineForText2Image,
        )

        # Loading bars would break the CLI's promise of a quiet stderr; progress goes to callbacks.
        diffusers.utils.logging.disable_progress_bar()
        transformers_logging().disable_progress_bar()
        device = self.device
        dtype = torch.float32
        if device != "cpu":
            dtype = torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
        try:
            if self.model_path.is_dir():
                text_to_image = AutoPipelineForText2Image.from_pretrained(
                    str(self.model_path), local_files_only=True, dtype=dtype
                )
            else:
                pipeline_class = getattr(diffusers, self._index["_class_name"])
                loaded = pipeline_class.from_single_file(
                    str(self.model_path),
                    config=str(self._index_dir),
                    local_files_only=True,
                    dtype=dtype,
                )
                text_to_image = AutoPipelineForText2Image.from_pipe(loaded)
        except Exception as error:  # diffusers raises many kinds; the worker must get one
            raise BackendUnavailable(
                f"{self.model_path}: cannot load the model: {error}"
            ) from error
        text_to_image.to(device)
        denoiser = (
            text_to_image.unet if hasattr(text_to_image, "unet") else text_to_image.transformer
        )
        if device != "cpu":
            # PyTorch's SDPA attention is diffusers' default processor; channels_last speeds convs.
            denoiser.to(memory_format=torch.channels_last)
            if self.compile:
                # In place, so the three pipelines keep sharing one (compiled) module.
                denoiser.compile(mode="max-autotune-no-cudagraphs")
        pipes = Pipelines(
            text_to_image=text_to_image,
            image_to_image=AutoPipelineForImage2Image.from_pipe(text_to_image),
            inpaint=AutoPipelineForInpainting.from_pipe(text_to_image),
        )
        for pipe in (pipes.text_to_image, pipes.image_to_image, pipes.inpaint):
            pipe.set_progress_bar_config(disable=True)
        return pipes

    def _text_to_image_call(
        self, specs: list[FrameSpec], seeds: list[int], progress: Progress | None
    ) -> list[Image.Image] | None:
        """One batched text-to-image call of same-sized frames; None when the GPU ran out."""
        size = self._render_size(specs[0].width, specs[0].height)
        pipes = self.pipelines()
        with self._lock:
            return self._call(
                pipes.text_to_image,
                progress,
                size,
                width=size[0],
                height=size[1],
                num_inference_steps=self.steps,
                generator=[_generator(seed) for seed in seeds],
                **self._prompt_kwargs(specs),
                **self._reference_kwargs(specs[0].reference_images),
            )

    def _call(
        self,
        pipe: DiffusionPipeline,
        progress: Progress | None,
        size: tuple[int, int],
        **kwargs: Any,
    ) -> list[Image.Image] | None:
        """Run a pipeline with the backend's settings; None (cache emptied) when CUDA ran out."""
        import torch

        vae = pipe.vae
        if size[0] * size[1] > _TILING_PIXELS:
            vae.enable_tiling()
        else:
            vae.disable_tiling()
        if progress is not None:
            kwargs["callback_on_step_end"] = _step_reporter(progress)
        try:
            return pipe(guidance_scale=self.guidance, output_type="pil", **kwargs).images
        except torch.cuda.OutOfMemoryError:
            pass
        # Outside the except block, so the traceback no longer pins the failed call's tensors.
        torch.cuda.empty_cache()
        return None

    def _as_parent(
        self, images: list[Image.Image] | None, parent: Image.Image, size: str
    ) -> Image.Image:
        """The single result at the parent's size, or a clear error when the GPU ran out."""
        if images is None:
            raise BackendUnavailable(
                f"out of GPU memory at {size}; render smaller frames, free the GPU of other work "
                "or use device cpu"
            )
        image = images[0]
        if image.size != parent.size:
            image = image.resize(parent.size, Image.Resampling.LANCZOS)
        return image

    def _render_size(self, width: int, height: int) -> tuple[int, int]:
        """The nearest size the model can draw (each side a multiple of its step)."""
        step = _SIZE_STEP[self.family]
        return max(step, round(width / step) * step), max(step, round(height / step) * step)

    def _prompt_kwargs(self, specs: Sequence[FrameSpec]) -> dict[str, Any]:
        """Prompts and negative prompts (Flux's guidance is distilled: no negative); an SD 1.x
        prompt longer than CLIP's 77 tokens goes in as chunked embeddings, so none of it is lost.
        """
        prompts = [spec.prompt for spec in specs]
        if self.family == "flux":
            return {"prompt": prompts}
        negatives = [spec.negative_prompt for spec in specs]
        if self.family in _CHUNKED_FAMILIES and any(
            self._token_count(text) > _CLIP_TOKENS for text in prompts + negatives
        ):
            embeds = chunked_clip_embeddings(self.pipelines().text_to_image, prompts + negatives)
            return {
                "prompt_embeds": embeds[: len(prompts)],
                "negative_prompt_embeds": embeds[len(prompts) :],
            }
        return {"prompt": prompts, "negative_prompt": negatives}

    def _token_count(self, text: str) -> int:
        """Tokens of the text as the prompt's tokenizer counts them, start and end included."""
        return len(self._prompt_tokenizer()(text, verbose=False).input_ids)

    def _reference_kwargs(self, references: tuple[str, ...]) -> dict[str, Any]:
        """IP-Adapter images for the call, loading the adapter the first time a frame has some.

        Without an adapter configured, reference images are ignored, as previz ignores them. Once
        loaded the adapter sits in the shared UNet, which then needs an image on every call:
        frames without references get a blank one at scale 0, as if no adapter were there.
        """
        if self.ip_adapter is None or not (references or self._ip_adapter_loaded):
            return {}
        pipes = self.pipelines()
        if not self._ip_adapter_loaded:
            try:
                pipes.text_to_image.load_ip_adapter(
                    str(self.ip_adapter.parent),
                    subfolder="",
                    weight_name=self.ip_adapter.name,
                    local_files_only=True,
                )
            except Exception as error:  # diffusers raises many kinds; the worker must get one
                raise BackendUnavailable(
                    f"{self.ip_adapter}: cannot load the IP-Adapter: {error}"
                ) from error
            for pipe in (pipes.image_to_image, pipes.inpaint):
                pipe.register_modules(
                    image_encoder=pipes.text_to_image.image_encoder,
                    feature_extractor=pipes.text_to_image.feature_extractor,
                )
            self._ip_adapter_loaded = True
        if not references:
            pipes.text_to_image.set_ip_adapter_scale(0.0)
            return {"ip_adapter_image": [[Image.new("RGB", (224, 224), (128, 128, 128))]]}
        pipes.text_to_image.set_ip_adapter_scale(_IP_ADAPTER_SCALE)
        return {"ip_adapter_image": [[_open_reference(path) for path in references]]}

    def _prompt_tokenizer(self) -> Any:
        """The tokenizer of the encoder that reads furthest, loaded alone if the model isn't yet."""
        if self._tokenizer is None:
            subfolder = _PROMPT_TOKENIZER[self.family]
            if not (self._index.get(subfolder) or [None])[0]:
                subfolder = "tokenizer"  # SD3 without its T5 encoder reads only CLIP's 77 tokens
            if self._pipelines is not None:
                self._tokenizer = getattr(self._pipelines.text_to_image, subfolder)
            else:
                import transformers

                class_name = self._index[subfolder][1]
                self._tokenizer = getattr(transformers, class_name).from_pretrained(
                    str(self._index_dir / subfolder), local_files_only=True
                )
        return self._tokenizer


def cut_at_word(prompt: str, tokenizer: Any, limit: int) -> str:
    """The longest start of the prompt, ending at a word, that the tokenizer reads within
    `limit` tokens (start and end tokens included); inside the first word if even it is too long.
    """

    def tokens(text: str) -> int:
        return len(tokenizer(text, verbose=False).input_ids)

    if tokens(prompt) <= limit:
        return prompt
    word_ends = [match.end() for match in re.finditer(r"\S+", prompt)]
    fitting, too_many = 0, len(word_ends)
    while fitting + 1 < too_many:
        middle = (fitting + too_many) // 2
        if tokens(prompt[: word_ends[middle - 1]]) <= limit:
            fitting = middle
        else:
            too_many = middle
    if fitting:
        return prompt[: word_ends[fitting - 1]]
    ids = tokenizer(prompt, truncation=True, max_length=limit, verbose=False).input_ids
    return str(tokenizer.decode(ids, skip_special_tokens=True))


def chunked_clip_embeddings(pipe: Any, texts: Sequence[str]) -> Any:
    """CLIP embeddings of texts of any length: each text's tokens in chunks of 75, each chunk
    between start and end tokens and encoded alone, the chunks joined along the sequence.

    Every text gets as many chunks as the longest (padding chunks encode the empty rest), so
    prompts and negative prompts line up, as the pipeline needs.
    """
    import torch

    tokenizer, encoder = pipe.tokenizer, pipe.text_encoder
    size = tokenizer.model_max_length - 2
    ids = [tokenizer(text, add_special_tokens=False, verbose=False).input_ids for text in texts]
    chunks = max(1, *(-(-len(row) // size) for row in ids))
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    embedded = []
    for row in ids:
        pieces = [row[n * size : (n + 1) * size] for n in range(chunks)]
        batch = [
            [tokenizer.bos_token_id, *piece, tokenizer.eos_token_id, *[pad] * (size - len(piece))]
            for piece in pieces
        ]
        with torch.no_grad():
            hidden = encoder(torch.tensor(batch, device=encoder.device))[0]
        embedded.append(hidden.reshape(1, -1, hidden.shape[-1]))
    return torch.cat(embedded).to(dtype=encoder.dtype)


def transformers_logging() -> Any:
    """transformers' logging module, imported only when a model loads."""
    from transformers.utils import logging

    return logging


def _generator(seed: int) -> Any:
    """A CPU generator: the same seed starts from the same noise on every device."""
    import torch

    return torch.Generator("cpu").manual_seed(seed)


def _step_reporter(progress: Progress) -> Callable[..., dict[str, Any]]:
    """A diffusers step-end callback that reports (step, total) for the running call."""

    def on_step_end(
        pipe: Any, step: int, timestep: Any, callback_kwargs: dict[str, Any]
    ) -> dict[str, Any]:
        progress(step + 1, pipe.num_timesteps)
        return callback_kwargs

    return on_step_end


def _open_reference(path: str) -> Image.Image:
    """A reference image from disk, in RGB as the image encoder expects."""
    try:
        with Image.open(path) as image:
            return image.convert("RGB")
    except FileNotFoundError:
        raise NotFound(f"reference image {path} does not exist") from None
    except OSError as error:
        raise InvalidInput(f"reference image {path} cannot be read: {error}") from error


def _ends_digest(path: Path, span: int = 1 << 20) -> bytes:
    """sha256 of a file's first and last MiB (the whole file when it is smaller than 2 MiB)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        digest.update(handle.read(span))
        size = path.stat().st_size
        if size > span:
            handle.seek(max(span, size - span))
            digest.update(handle.read(span))
    return digest.digest()
