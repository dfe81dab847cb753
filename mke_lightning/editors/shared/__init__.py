"""Pieces shared by the locate-then-edit editors: covariance statistics, corpora, fingerprints, disk caches."""

from mke_lightning.editors.shared.corpus import corpus_identity, iter_corpus_texts
from mke_lightning.editors.shared.covariance import CovarianceCache
from mke_lightning.editors.shared.disk_cache import atomic_torch_save, default_cache_dir
from mke_lightning.editors.shared.fingerprint import model_fingerprint, tokenizer_fingerprint

__all__ = ["CovarianceCache", "atomic_torch_save", "corpus_identity", "default_cache_dir", "iter_corpus_texts",
           "model_fingerprint", "tokenizer_fingerprint"]
