"""The domain model: pure Python and pydantic, no terminal (docs/ARCHITECTURE.md, Core)."""
