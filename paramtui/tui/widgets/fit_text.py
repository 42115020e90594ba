"""Text cut to a number of cells, for widgets that draw their own lines."""


def ellipsize(text: str, width: int) -> str:
    """`text` in at most `width` cells, an ellipsis marking a cut (one cell per character:
    the labels and values drawn this way are ASCII, digits and a few one-cell symbols)."""
    if width <= 0:
        return ""
    return text if len(text) <= width else text[: width - 1] + "…"
