"""Offline analyses of a base model: causal tracing (where a fact is stored) and the covariance-statistics benchmark."""

from mke_lightning.analysis.causal_trace import FactTrace, TraceSettings, average_traces, trace_fact

__all__ = ["FactTrace", "TraceSettings", "average_traces", "trace_fact"]
