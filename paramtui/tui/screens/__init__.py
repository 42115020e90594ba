"""The screens: one Textual mode each (calculator, compare, scaling, deploy), plus modals."""
