"""Readers: every supported benchmark format into the unified schema (design.md §3.1), plus a generic reader driven
by a field mapping, so a new benchmark needs only a config. One module per format; :data:`READERS` finds them by
name (``mke data stats --reader NAME --path PATH``)."""

from mke_lightning.data.readers.base import READERS, EditReader, build_reader, register_reader
from mke_lightning.data.readers.bizsre import BiZsREReader
from mke_lightning.data.readers.counterfact import CounterFactReader
from mke_lightning.data.readers.mapping import FieldMap, MappingReader, QAMap
from mke_lightning.data.readers.mkeb import MKEBReader
from mke_lightning.data.readers.mlake import MLaKEReader
from mke_lightning.data.readers.mzsre import MzsREReader
from mke_lightning.data.readers.unified import UnifiedReader
from mke_lightning.data.readers.zsre import ZsREReader

__all__ = ["READERS", "BiZsREReader", "CounterFactReader", "EditReader", "FieldMap", "MKEBReader", "MLaKEReader",
           "MappingReader", "MzsREReader", "QAMap", "UnifiedReader", "ZsREReader", "build_reader", "register_reader"]
