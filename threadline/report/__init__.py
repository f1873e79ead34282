"""Exports for investigators' tools (Aleph, Gephi, i2, TrafficVis, CyberTipline) and
evidence packages for prosecutors."""

from threadline.report._csv import I2_COLUMNS, TRAFFICVIS_COLUMNS, i2_spec
from threadline.report._cybertip import XSD_PATH, Reporter, cybertip_xml, validate_cybertip
from threadline.report._data import ExportAd, ad_row_ids, load_ads
from threadline.report._evidence import EvidencePackage, build_evidence, verify_package
from threadline.report._exports import (
    ALL,
    GraphFormat,
    Selection,
    export_cybertip,
    export_ftm,
    export_graph,
    export_i2,
    export_trafficvis,
    selected_ads,
)
from threadline.report._ftm import ftm_entities, validate_entity
from threadline.report._graph import Graph, build_graph, write_gexf, write_graphml

__all__ = [
    "ALL",
    "I2_COLUMNS",
    "TRAFFICVIS_COLUMNS",
    "XSD_PATH",
    "EvidencePackage",
    "ExportAd",
    "Graph",
    "GraphFormat",
    "Reporter",
    "Selection",
    "ad_row_ids",
    "build_evidence",
    "build_graph",
    "cybertip_xml",
    "export_cybertip",
    "export_ftm",
    "export_graph",
    "export_i2",
    "export_trafficvis",
    "ftm_entities",
    "i2_spec",
    "load_ads",
    "selected_ads",
    "validate_cybertip",
    "validate_entity",
    "verify_package",
    "write_gexf",
    "write_graphml",
]
