"""The offline caller: a scripted customer that needs no network and no model."""

from callersim_cli.engines.offline.engine import OfflineEngine, OfflineJudge

__all__ = ["OfflineEngine", "OfflineJudge"]
