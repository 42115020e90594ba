"""What a user should be told about an estimate that is not a figure: inputs the model does
not support, so its figures answer a question the model cannot be asked (issue 13 item 8).
Read by the Calculator's head line and the `estimate` table, one short line each."""

from __future__ import annotations

from paramtui.core.inputs.targets import speed_unknown_reason


def estimate_warnings(est) -> list[str]:
    """Short warnings for `est` (an `estimate.Estimate`), in the order they matter."""
    out: list[str] = []
    arch = est.architecture
    context = est.values["scenario.context"]
    limit = arch.max_position_embeddings
    if limit and context > limit:
        # Models with rotary or relative positions accept longer inputs, but were trained
        # (and validated) up to their limit: quality past it is not what the figures assume.
        out.append(f"context {context:,} is past the model's limit of {limit:,} tokens")
    v = est.values
    if not v["memory.fits"] and v.get("offload.fits") is None:
        # No second tier: "offload to host RAM" would read as if there were a host to use.
        why = "unified memory" if est.target.unified_memory else "no host RAM listed"
        out.append(f"does not fit the device's memory ({why}: no offload tier)")
    if not est.target.rates_known:
        out.append(speed_unknown_reason(est.target))
    if not arch.is_decoder and not arch.is_encoder_decoder:
        out.append("encoder-only: it does not generate text, so decode speed does not apply")
    return out
