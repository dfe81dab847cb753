"""Losses composable with any editor: the SSS regulariser and the locality KL."""

from mke_lightning.losses.locality import locality_kl, mean_kl
from mke_lightning.losses.sss import SSSRegularizer, sss_autograd, sss_closed_form

__all__ = ["SSSRegularizer", "locality_kl", "mean_kl", "sss_autograd", "sss_closed_form"]
