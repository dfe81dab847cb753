"""Losses composable with any editor: the SSS regulariser."""

from mke_lightning.losses.sss import SSSRegularizer, sss_autograd, sss_closed_form

__all__ = ["SSSRegularizer", "sss_autograd", "sss_closed_form"]
