"""The domain model: pure Python and pydantic, no terminal (DESIGN.md, Core)."""
