"""Text cut to a number of cells, for widgets that draw their own lines."""


def ellipsize(text: str, width: int) -> str:
    """`text` in at most `width` cells, an ellipsis marking a cut (one cell per character:
    the labels and values drawn this way are ASCII, digits and a few one-cell symbols)."""
    if width <= 0:
        return ""
    return text if len(text) <= width else text[: width - 1] + "…"


def ellipsize_middle(text: str, width: int) -> str:
    """`text` in at most `width` cells, cut in the middle with "…": names that differ only at
    their end ("… on H100", "… (copy)", "… (l8-twin)") stay told apart when cut."""
    if len(text) <= width:
        return text
    if width <= 1:
        return "…"[:max(width, 0)]
    tail = (width - 1) // 2
    return text[: width - 1 - tail] + "…" + (text[-tail:] if tail else "")
