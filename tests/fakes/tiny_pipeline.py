"""A real Stable Diffusion 1.x model with tiny random weights, saved the way the Hub ships one.

Tests load it through the same code paths as a studio's downloaded model, offline and in well
under a second: a folder with `model_index.json` and a `tokenizer/` of `vocab.json` + `merges.txt`,
or one `.safetensors` file in the original (ldm) key layout beside a weight-free config folder.
The VAE halves the picture four times, as SD's does, so latents stay tiny (64×64 pixels → 8×8).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import torch
from diffusers import AutoencoderKL, PNDMScheduler, StableDiffusionPipeline, UNet2DConditionModel
from diffusers.loaders.single_file_utils import DIFFUSERS_TO_LDM_MAPPING
from safetensors.torch import load_file, save_file
from tokenizers.pre_tokenizers import ByteLevel
from transformers import CLIPTextConfig, CLIPTextModel, CLIPTokenizer

_BOS = "<|startoftext|>"
_EOS = "<|endoftext|>"
_MERGES = ("t h", "th e</w>", "a n", "an d</w>", "i n", "in g</w>", "o n</w>", "e r</w>")
"""A few English merges, so common words take fewer tokens than letters, as with the real BPE."""

_TOKENIZER_CONFIG = {
    "add_prefix_space": False,
    "bos_token": _BOS,
    "do_lower_case": True,
    "eos_token": _EOS,
    "errors": "replace",
    "model_max_length": 77,
    "pad_token": _EOS,
    "tokenizer_class": "CLIPTokenizer",
    "unk_token": _EOS,
}
"""What `tokenizer/tokenizer_config.json` says in the Hub's SD 1.5 folders."""

_WEIGHT_FILES = (
    "unet/diffusion_pytorch_model",
    "vae/diffusion_pytorch_model",
    "text_encoder/model",
)


def build_tiny_sd_model(folder: Path, seed: int = 0) -> Path:
    """Build and save a tiny SD 1.x pipeline in the Hub layout; one seed, one set of weights."""
    torch.manual_seed(seed)
    unet = UNet2DConditionModel(
        sample_size=8,
        in_channels=4,
        out_channels=4,
        block_out_channels=(32, 64),
        layers_per_block=2,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        cross_attention_dim=32,
        attention_head_dim=8,
        norm_num_groups=32,
    )
    vae = AutoencoderKL(
        sample_size=64,
        in_channels=3,
        out_channels=3,
        latent_channels=4,
        block_out_channels=(8, 16, 32, 32),
        down_block_types=("DownEncoderBlock2D",) * 4,
        up_block_types=("UpDecoderBlock2D",) * 4,
        layers_per_block=1,
        norm_num_groups=8,
    )
    vocab_dir = folder / "tokenizer"
    vocab_dir.mkdir(parents=True, exist_ok=True)
    vocab = _write_vocab(vocab_dir)
    text_encoder = CLIPTextModel(
        CLIPTextConfig(
            vocab_size=1000,
            hidden_size=32,
            intermediate_size=37,
            num_hidden_layers=2,
            num_attention_heads=4,
            projection_dim=32,
            max_position_embeddings=77,
            bos_token_id=vocab[_BOS],
            eos_token_id=vocab[_EOS],
            pad_token_id=vocab[_EOS],
        )
    )
    tokenizer = CLIPTokenizer(
        vocab=str(vocab_dir / "vocab.json"),
        merges=str(vocab_dir / "merges.txt"),
        model_max_length=77,
        pad_token=_EOS,
    )
    scheduler = PNDMScheduler(
        beta_start=0.00085,
        beta_end=0.012,
        beta_schedule="scaled_linear",
        skip_prk_steps=True,
        set_alpha_to_one=False,
        steps_offset=1,
    )
    pipeline = StableDiffusionPipeline(
        unet=unet,
        vae=vae,
        text_encoder=text_encoder,
        tokenizer=tokenizer,
        scheduler=scheduler,
        safety_checker=None,
        feature_extractor=None,
        requires_safety_checker=False,
    )
    pipeline.save_pretrained(folder)
    # transformers 5 saves tokenizer.json only; put back the Hub's vocab.json + merges.txt layout.
    for written in vocab_dir.iterdir():
        if written.name not in ("vocab.json", "merges.txt"):
            written.unlink()
    (vocab_dir / "tokenizer_config.json").write_text(json.dumps(_TOKENIZER_CONFIG, indent=2))
    (vocab_dir / "special_tokens_map.json").write_text(
        json.dumps({"bos_token": _BOS, "eos_token": _EOS, "pad_token": _EOS, "unk_token": _EOS})
    )
    return folder


def copy_with_tokenizer_json(model_dir: Path, folder: Path) -> Path:
    """A copy of the model whose `tokenizer/` holds only `tokenizer.json` (transformers 5 style)."""
    shutil.copytree(model_dir, folder, ignore=shutil.ignore_patterns("tokenizer"))
    tokenizer = CLIPTokenizer.from_pretrained(model_dir / "tokenizer", local_files_only=True)
    tokenizer.save_pretrained(folder / "tokenizer")
    for name in ("vocab.json", "merges.txt"):
        (folder / "tokenizer" / name).unlink(missing_ok=True)
    return folder


def build_tiny_single_file(folder: Path, seed: int = 0) -> tuple[Path, Path]:
    """The tiny model as one original-layout checkpoint and a config folder without weights.

    The checkpoint holds the same weights `build_tiny_sd_model` makes with the same seed; the
    config folder plays FRAMELINE_DIFFUSERS_CONFIG (configs, scheduler and tokenizer only).
    """
    config_dir = build_tiny_sd_model(folder / "config", seed)
    checkpoint = folder / f"tiny-sd-v1-seed{seed}.safetensors"
    save_file(ldm_state_dict(config_dir), checkpoint)
    for stem in _WEIGHT_FILES:
        (config_dir / f"{stem}.safetensors").unlink()
    return checkpoint, config_dir


def ldm_state_dict(model_dir: Path) -> dict[str, torch.Tensor]:
    """The model's weights under the keys of the original CompVis SD 1.x checkpoints.

    The inverse of diffusers' `convert_ldm_*_checkpoint`, written for any number of UNet levels
    so the tiny model converts as a full-size one would.
    """
    unet_config = json.loads((model_dir / "unet" / "config.json").read_text())
    vae_config = json.loads((model_dir / "vae" / "config.json").read_text())
    unet = load_file(model_dir / "unet" / "diffusion_pytorch_model.safetensors")
    vae = load_file(model_dir / "vae" / "diffusion_pytorch_model.safetensors")
    text_encoder = load_file(model_dir / "text_encoder" / "model.safetensors")
    state: dict[str, torch.Tensor] = {}
    unet_renames = _unet_renames(unet_config)
    for key, tensor in unet.items():
        state["model.diffusion_model." + _rename(key, unet_renames)] = tensor
    vae_renames = _vae_renames(
        len(vae_config["block_out_channels"]), vae_config["layers_per_block"]
    )
    for key, tensor in vae.items():
        ldm_key = _rename(key, vae_renames)
        if ".mid.attn_1." in ldm_key and tensor.ndim == 2:
            tensor = tensor[:, :, None, None].contiguous()  # ldm's VAE attention uses 1×1 convs
        state["first_stage_model." + ldm_key] = tensor
    for key, tensor in text_encoder.items():
        text_key = key if key.startswith("text_model.") else "text_model." + key
        state["cond_stage_model.transformer." + text_key] = tensor
    return state


def tiny_sd_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny model built once per test session, whichever fixture asks first."""
    folder = tmp_path_factory.getbasetemp() / "tiny-sd-model"
    if not (folder / "model_index.json").exists():
        build_tiny_sd_model(folder)
    return folder


def tiny_single_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The single-file checkpoint and its config folder, built once per test session."""
    folder = tmp_path_factory.getbasetemp() / "tiny-sd-single-file"
    checkpoint = folder / "tiny-sd-v1-seed0.safetensors"
    if not checkpoint.exists():
        return build_tiny_single_file(folder)
    return checkpoint, folder / "config"


def _write_vocab(folder: Path) -> dict[str, int]:
    """A byte-level BPE vocabulary that can spell any text: every byte, alone and word-final."""
    alphabet = sorted(ByteLevel.alphabet())
    tokens = alphabet + [c + "</w>" for c in alphabet] + [m.replace(" ", "") for m in _MERGES]
    vocab = {token: index for index, token in enumerate(dict.fromkeys([*tokens, _BOS, _EOS]))}
    (folder / "vocab.json").write_text(json.dumps(vocab))
    (folder / "merges.txt").write_text("#version: 0.2\n" + "\n".join(_MERGES) + "\n")
    return vocab


def _rename(key: str, renames: list[tuple[str, str]]) -> str:
    """The key with the first matching diffusers prefix swapped for its ldm one."""
    for diffusers_prefix, ldm_prefix in renames:
        if key.startswith(diffusers_prefix):
            return ldm_prefix + key.removeprefix(diffusers_prefix)
    raise ValueError(f"no ldm name for {key}")


def _resnet(diffusers_prefix: str, ldm_prefix: str) -> list[tuple[str, str]]:
    """A UNet ResBlock's parameter names, which ldm spells as sequential layer indices."""
    parts = {
        "norm1.": "in_layers.0.",
        "conv1.": "in_layers.2.",
        "norm2.": "out_layers.0.",
        "conv2.": "out_layers.3.",
        "time_emb_proj.": "emb_layers.1.",
        "conv_shortcut.": "skip_connection.",
    }
    return [(diffusers_prefix + d, ldm_prefix + ldm) for d, ldm in parts.items()]


def _unet_renames(config: dict[str, Any]) -> list[tuple[str, str]]:
    """Prefix pairs for an SD 1.x UNet with any number of levels and layers per level."""
    levels = len(config["block_out_channels"])
    layers = config["layers_per_block"]
    renames = [
        (
            d.removesuffix("weight").removesuffix("bias"),
            ldm.removesuffix("weight").removesuffix("bias"),
        )
        for d, ldm in DIFFUSERS_TO_LDM_MAPPING["unet"]["layers"].items()
    ]
    for level in range(levels):
        for layer in range(layers):
            index = 1 + level * (layers + 1) + layer
            renames += _resnet(f"down_blocks.{level}.resnets.{layer}.", f"input_blocks.{index}.0.")
            renames.append((f"down_blocks.{level}.attentions.{layer}.", f"input_blocks.{index}.1."))
        if level < levels - 1:
            renames.append(
                (
                    f"down_blocks.{level}.downsamplers.0.conv.",
                    f"input_blocks.{(level + 1) * (layers + 1)}.0.op.",
                )
            )
    renames += _resnet("mid_block.resnets.0.", "middle_block.0.")
    renames.append(("mid_block.attentions.0.", "middle_block.1."))
    renames += _resnet("mid_block.resnets.1.", "middle_block.2.")
    for level in range(levels):
        has_attention = config["up_block_types"][level].startswith("CrossAttn")
        for layer in range(layers + 1):
            index = level * (layers + 1) + layer
            renames += _resnet(f"up_blocks.{level}.resnets.{layer}.", f"output_blocks.{index}.0.")
            renames.append((f"up_blocks.{level}.attentions.{layer}.", f"output_blocks.{index}.1."))
        if level < levels - 1:
            last = level * (layers + 1) + layers
            renames.append(
                (
                    f"up_blocks.{level}.upsamplers.0.",
                    f"output_blocks.{last}.{2 if has_attention else 1}.",
                )
            )
    return renames


def _vae_renames(levels: int, layers: int) -> list[tuple[str, str]]:
    """Prefix pairs for the SD VAE; ldm numbers the decoder's levels from the bottom up."""
    renames = [(d, ldm) for d, ldm in DIFFUSERS_TO_LDM_MAPPING["vae"].items()]
    resnet_parts = [("conv_shortcut.", "nin_shortcut.")]
    attention_parts = [
        ("group_norm.", "norm."),
        ("to_q.", "q."),
        ("to_k.", "k."),
        ("to_v.", "v."),
        ("to_out.0.", "proj_out."),
    ]
    for coder, ldm_level in (("encoder", range(levels)), ("decoder", range(levels - 1, -1, -1))):
        stage = "down" if coder == "encoder" else "up"
        for level, ldm in enumerate(ldm_level):
            # The decoder has one ResBlock more per level than the encoder.
            for layer in range(layers + (stage == "up")):
                d = f"{coder}.{stage}_blocks.{level}.resnets.{layer}."
                ldm_prefix = f"{coder}.{stage}.{ldm}.block.{layer}."
                renames += [(d + a, ldm_prefix + b) for a, b in resnet_parts]
                renames.append((d, ldm_prefix))
            sampler = "downsample" if stage == "down" else "upsample"
            renames.append(
                (
                    f"{coder}.{stage}_blocks.{level}.{sampler}rs.0.",
                    f"{coder}.{stage}.{ldm}.{sampler}.",
                )
            )
        for resnet in range(2):
            d, ldm_prefix = (
                f"{coder}.mid_block.resnets.{resnet}.",
                f"{coder}.mid.block_{resnet + 1}.",
            )
            renames += [(d + a, ldm_prefix + b) for a, b in resnet_parts]
            renames.append((d, ldm_prefix))
        d, ldm_prefix = f"{coder}.mid_block.attentions.0.", f"{coder}.mid.attn_1."
        renames += [(d + a, ldm_prefix + b) for a, b in attention_parts]
    return renames
