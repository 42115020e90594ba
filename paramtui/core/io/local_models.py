"""Models already on this machine: the Hugging Face cache, Ollama's store, LM Studio's
folders and any folder the user names (`paramtui models --local`, the picker's "on this
machine").

Where each tool keeps its models (documented by each):
- Hugging Face hub cache: `HF_HUB_CACHE`, else `$HF_HOME/hub`, else `~/.cache/huggingface/hub`;
  `models--ORG--NAME/snapshots/REVISION/` holds the files (links into `blobs/`), and
  `refs/main` names the revision in use.
- Ollama: `OLLAMA_MODELS`, else `~/.ollama/models` (the Linux service's
  `/usr/share/ollama/.ollama/models` too); `manifests/HOST/NAMESPACE/MODEL/TAG` is JSON whose
  layer of media type `application/vnd.ollama.image.model` names the GGUF blob
  `blobs/sha256-DIGEST`.
- LM Studio: `~/.lmstudio/models/PUBLISHER/MODEL/*.gguf` (older: `~/.cache/lm-studio/models`).
Only directory listings and headers are read; nothing touches the network.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Iterator, NamedTuple

from paramtui.core.errors import UserError

_OLLAMA_MODEL_LAYER = "application/vnd.ollama.image.model"
_LATER_SPLIT_PART = re.compile(r"-(\d{5})-of-\d{5}\.gguf$", re.IGNORECASE)
MAX_DIR_DEPTH = 4  # how deep --dir looks for model folders


class LocalModel(NamedTuple):
    name: str
    source: str  # "huggingface", "ollama", "lm-studio" or "dir"
    format: str  # "gguf" or "safetensors"
    path: str  # what `paramtui estimate PATH` takes
    size_bytes: int  # on disk
    params: int | None = None  # weights in the files (None: not read, or unreadable)
    problem: str | None = None  # why the headers could not be read


def hf_cache_dir() -> Path:
    if os.environ.get("HF_HUB_CACHE"):
        return Path(os.environ["HF_HUB_CACHE"]).expanduser()
    if os.environ.get("HF_HOME"):
        return Path(os.environ["HF_HOME"]).expanduser() / "hub"
    return Path("~/.cache/huggingface/hub").expanduser()


def ollama_dirs() -> list[Path]:
    if os.environ.get("OLLAMA_MODELS"):
        return [Path(os.environ["OLLAMA_MODELS"]).expanduser()]
    return [Path("~/.ollama/models").expanduser(), Path("/usr/share/ollama/.ollama/models")]


def lm_studio_dirs() -> list[Path]:
    return [Path("~/.lmstudio/models").expanduser(), Path("~/.cache/lm-studio/models").expanduser()]


def find_local_models(dirs: list[str] | None = None, *, read_headers: bool = True) -> list[LocalModel]:
    """Every model found, each once; `read_headers` adds the parameter counts (one header read
    per model), without it only listings are read (the picker's quick look)."""
    found: list[LocalModel] = []
    for d in dirs or ():
        if not Path(d).expanduser().is_dir():
            raise UserError(f"{d}: no such folder")
    sources = [_huggingface(hf_cache_dir()), *(_ollama(d) for d in ollama_dirs()),
               *(_lm_studio(d) for d in lm_studio_dirs()), *(_folder(Path(d).expanduser()) for d in dirs or ())]
    seen: set[str] = set()
    for source in sources:
        for model in source:
            key = os.path.realpath(model.path)
            if key in seen:
                continue
            seen.add(key)
            found.append(_with_params(model) if read_headers else model)
    return found


def _with_params(model: LocalModel) -> LocalModel:
    from paramtui.core.io.model_folder import read_checkpoint

    try:
        return model._replace(params=read_checkpoint(model.path).elements)
    except UserError as e:
        return model._replace(problem=str(e))
    except OSError as e:
        return model._replace(problem=f"{model.path}: cannot read ({e.strerror})")


def _size(paths) -> int:
    total = 0
    for p in paths:
        try:
            total += os.stat(p).st_size  # follows the HF cache's links into blobs/
        except OSError:
            pass
    return total


def _listdir(path: Path) -> list[Path]:
    try:
        return sorted(path.iterdir())
    except OSError:
        return []


def _folder_models(folder: Path, name: str, source: str) -> Iterator[LocalModel]:
    """The models in one folder: a safetensors model (all shards as one), or each GGUF model."""
    files = [f for f in _listdir(folder) if f.is_file()]
    shards = [f for f in files if f.suffix == ".safetensors"]
    if shards:
        yield LocalModel(name, source, "safetensors", str(folder), _size(files))
    ggufs = [f for f in files if f.suffix.lower() == ".gguf" and not _is_later_part(f.name)]
    for g in ggufs:
        parts = [g]
        if _LATER_SPLIT_PART.search(g.name):
            stem = _LATER_SPLIT_PART.sub("", g.name)
            parts = [f for f in files if f.name.startswith(stem + "-") and f.suffix.lower() == ".gguf"]
        label = name if len(ggufs) == 1 and not shards else f"{name}/{g.name}"
        yield LocalModel(label, source, "gguf", str(g), _size(parts))


def _is_later_part(name: str) -> bool:
    m = _LATER_SPLIT_PART.search(name)
    return bool(m) and int(m.group(1)) > 1


def _huggingface(cache: Path) -> Iterator[LocalModel]:
    for repo in _listdir(cache):
        if not repo.name.startswith("models--"):
            continue
        name = repo.name.removeprefix("models--").replace("--", "/")
        snapshot = None
        try:
            revision = (repo / "refs" / "main").read_text().strip()
            snapshot = repo / "snapshots" / revision
        except OSError:
            pass
        if snapshot is None or not snapshot.is_dir():
            snapshots = [s for s in _listdir(repo / "snapshots") if s.is_dir()]
            if not snapshots:
                continue
            snapshot = max(snapshots, key=lambda s: s.stat().st_mtime)
        yield from _folder_models(snapshot, name, "huggingface")


def _ollama(root: Path) -> Iterator[LocalModel]:
    manifests = root / "manifests"
    if not manifests.is_dir():
        return
    for dirpath, _dirs, files in os.walk(manifests):
        for tag in sorted(files):
            path = Path(dirpath) / tag
            try:
                manifest = json.loads(path.read_text()[:1_000_000])
                layer = next(l for l in manifest.get("layers", []) if l.get("mediaType") == _OLLAMA_MODEL_LAYER)
                blob = root / "blobs" / str(layer["digest"]).replace(":", "-")
            except (OSError, ValueError, StopIteration, KeyError, AttributeError, TypeError):
                continue  # not a model manifest (a projector-only or broken one)
            if not blob.is_file():
                continue
            host, *rest = path.relative_to(manifests).parts
            *namespace, model = rest[:-1]
            prefix = "" if namespace == ["library"] else "/".join(namespace) + "/"
            yield LocalModel(f"{prefix}{model}:{rest[-1]}", "ollama", "gguf", str(blob), _size([blob]))


def _lm_studio(root: Path) -> Iterator[LocalModel]:
    for publisher in _listdir(root):
        for model in _listdir(publisher):
            if model.is_dir():
                yield from _folder_models(model, f"{publisher.name}/{model.name}", "lm-studio")


def _folder(root: Path, base: Path | None = None, depth: int = 0) -> Iterator[LocalModel]:
    base = base or root
    label = str(root.relative_to(base)) if root != base else (root.name or str(root))
    yield from _folder_models(root, label, "dir")
    if depth < MAX_DIR_DEPTH:
        for sub in _listdir(root):
            if sub.is_dir() and not sub.is_symlink() and not sub.name.startswith("."):
                yield from _folder(sub, base, depth + 1)
