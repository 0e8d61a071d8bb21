"""credit-check: 信用交通县创建佐证材料合规自查 — audit an evidence tree against the indicator catalogue."""

__version__ = "0.1.0"
