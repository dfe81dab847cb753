"""Pieces shared by editors: covariance statistics, corpora, fingerprints and disk caches (locate-then-edit), neuron
attribution by integrated gradients (KN, LAFN, MEMLA), gradient-factor capture, edit examples and the functional
edited model (trained gradient editors)."""

from mke_lightning.editors.shared.attribution import AttributionCache, integrated_gradients
from mke_lightning.editors.shared.corpus import corpus_identity, iter_corpus_texts
from mke_lightning.editors.shared.covariance import CovarianceCache
from mke_lightning.editors.shared.disk_cache import atomic_torch_save, default_cache_dir
from mke_lightning.editors.shared.fingerprint import model_fingerprint, tokenizer_fingerprint

__all__ = ["AttributionCache", "CovarianceCache", "atomic_torch_save", "corpus_identity", "default_cache_dir",
           "integrated_gradients", "iter_corpus_texts", "model_fingerprint", "tokenizer_fingerprint"]
