"""Component styles read once, for widgets that draw their own lines on every paint."""

from __future__ import annotations

from rich.style import Style


class CachedComponentStyles:
    """Mix in before the Widget class: `self._style(name)` is `get_component_rich_style(name)`,
    kept until Textual restyles the widget (a theme change, focus, a class change)."""

    def _style(self, name: str) -> Style:
        cache = self.__dict__.setdefault("_styles", {})
        if name not in cache:
            cache[name] = self.get_component_rich_style(name)
        return cache[name]

    def notify_style_update(self) -> None:
        self.__dict__.pop("_styles", None)
        super().notify_style_update()
