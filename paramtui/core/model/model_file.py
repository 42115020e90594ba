"""A model named by a path: a `.gguf` file, a `.safetensors` file, a model folder or a
`config.json`, resolved into the shape and exact count the estimate needs.

The weights are what the files hold (`Checkpoint.weights_bytes`) when the scenario's
precision is `file` ("as stored", the default for a file); any other precision asks "what if
this model were stored so" and is computed from the count as for a catalog model.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from paramtui.core.errors import UserError
from paramtui.core.io.checkpoint import Checkpoint, describe_difference
from paramtui.core.model.precision import Precision

#: The precision id meaning "as the file stores it".
STORED = "file"
_MODEL_SUFFIXES = (".gguf", ".safetensors", ".json")


def is_model_path(text: str) -> bool:
    """Whether a scenario's `model` names a file or folder rather than a catalog id (catalog
    ids have no slash and no file suffix)."""
    return ("/" in text or os.sep in text or text.startswith("~")
            or text.lower().endswith(_MODEL_SUFFIXES) or text in (".", ".."))


def anchored_model_path(text: str, base_dir: str | os.PathLike) -> str:
    """A model path written in a session file, as a path that reads the same from any working
    directory: a relative one is taken from the session file's folder (`base_dir`); absolute
    and `~` paths are kept. The file keeps the text as written (session_file merges by value)."""
    if text.startswith("~") or os.path.isabs(text):
        return text
    return os.path.normpath(os.path.join(os.path.abspath(base_dir), text))


def resolve_model_file(path: str):
    """The `ResolvedModel` of a model file or folder (read again when its files change)."""
    p = Path(os.path.expanduser(path))
    try:
        p.stat()
    except OSError:
        raise UserError(f"{path}: no such model file or folder") from None
    return _resolve(str(p), model_file_stamp(path))


# Files a model folder's reading depends on (config, index, shards, a GGUF in it).
_READ_SUFFIXES = (".json", ".safetensors", ".gguf")


def model_file_stamp(path: str) -> tuple:
    """What identifies the contents of the model at `path` without reading them: the path
    and, for every file its reading opens, its size, modification time (ns) and inode, so a
    file rewritten or replaced on disk mid-session gets a new stamp and is read again (a
    folder: the files in it that a model folder is read from; a split GGUF set: every part)."""
    p = Path(os.path.expanduser(path))
    if p.is_dir():
        try:
            files = sorted(e.path for e in os.scandir(p) if e.name.lower().endswith(_READ_SUFFIXES))
        except OSError:
            files = []
        files.insert(0, str(p))
    else:
        from paramtui.core.io.gguf_file import split_siblings

        files = split_siblings(p)
    stamp: list = [os.path.abspath(p)]
    for f in files:
        try:
            st = os.stat(f)
        except OSError:
            stamp.append((str(f), None))
            if not p.is_dir():
                break  # a missing part of a split set: reading it fails; the parts after add nothing
            continue
        stamp.append((str(f), st.st_size, st.st_mtime_ns, st.st_ino, st.st_dev))
    return tuple(stamp)


@lru_cache(maxsize=64)
def _resolve(path: str, _stamp: tuple):
    from paramtui.core.model.model_spec import ResolvedModel
    from paramtui.core.model.params import count_parameters

    p = Path(path)
    if p.is_file() and p.suffix.lower() == ".json":  # a bare config.json: shape only
        from paramtui.core.model.hf_config import load_hf_config
        from paramtui.core.model.quant_config import native_precision_of_file

        arch = load_hf_config(p)
        return ResolvedModel(name=p.parent.name or p.stem, architecture=arch, params=count_parameters(arch),
                             nominal_architecture=False, context_length=arch.max_position_embeddings,
                             native_precision=native_precision_of_file(p))
    from paramtui.core.io.model_folder import read_checkpoint

    ckpt = read_checkpoint(p)
    if ckpt.format == "gguf":
        from paramtui.core.model.gguf_architecture import gguf_architecture, gguf_param_count

        arch = gguf_architecture(ckpt)
        params = gguf_param_count(ckpt, arch)
        name = str(ckpt.metadata.get("general.name") or Path(ckpt.files[0]).stem)
        note = None
    else:
        if ckpt.config is None:
            raise UserError(f"{path}: no config.json beside the safetensors files, so the model's shape "
                            "(layers, heads) is unknown; put the model's config.json there")
        from paramtui.core.model.hf_config import architecture_from_hf_config

        config = {k: v for k, v in ckpt.config.items() if k != "quantization_config"}
        arch = architecture_from_hf_config(config, origin=str(Path(path) / "config.json") if p.is_dir() else path)
        params = count_parameters(arch)
        name = p.name if p.is_dir() else p.stem
        note = describe_difference(ckpt, params.total, arch.num_hidden_layers)
    return ResolvedModel(name=name, architecture=arch, params=params, nominal_architecture=False,
                         context_length=arch.max_position_embeddings, checkpoint=ckpt, checkpoint_note=note)


def stored_precision(ckpt: Checkpoint) -> Precision:
    """The checkpoint's own format as a `Precision`: its exact bits per weight, and the math
    units a runtime uses for it (quantized GGUF types run int8 kernels, as the catalog's GGUF
    precisions do; packed int4 and FP4 checkpoints are dequantized to 16-bit)."""
    main = ckpt.types[0].type if ckpt.types else "BF16"
    if ckpt.format == "gguf":
        compute = "fp32" if main == "F32" else "bf16" if main in ("F16", "BF16") else "int8"
        kind = "float" if main in ("F32", "F16", "BF16") else "gguf"
    else:
        compute = "fp32" if main == "F32" else "fp8" if main.startswith("F8") else "bf16"
        kind = "float"
    bits = ckpt.bits_per_weight
    quant = f"{ckpt.quantization}; " if ckpt.quantization else ""
    return Precision(
        id=STORED, name=f"the file's own types ({ckpt.type_mix(3)})", bits_per_weight=float(bits), compute_dtype=compute,
        kind=kind, source=f"the file's header: {len(ckpt.files)} file(s), exact tensor sizes",
        description=f"{quant}{float(bits):.4f} bits per weight exactly ({ckpt.weights_bytes:,} bytes for "
        f"{ckpt.elements:,} weights); types: {ckpt.type_mix()}")
