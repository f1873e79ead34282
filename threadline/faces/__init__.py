"""Faces: match faces in ad photos against a missing-persons gallery, as leads for review.

A candidate is never an identification: it is a distance, a band and a queue entry that a
person confirms, rejects or marks unsure, with a written reason.
"""

from threadline.faces._analyze import (
    FaceMatch,
    FaceRunReport,
    ImageProblem,
    analyze_ad_faces,
    match_files,
    queue_candidates,
)
from threadline.faces._gallery import (
    NAME_CONTEXT,
    EnrollReport,
    PersonSpec,
    PhotoProblem,
    enroll,
    load_gallery,
    person_name,
    read_gallery,
)
from threadline.faces._images import MAX_PIXELS, MAX_SIDE, Decoded, ImageError, decode_image
from threadline.faces._index import EXACT_LIMIT, FaceIndex, Hit
from threadline.faces._links import FaceLink, face_links
from threadline.faces._match import (
    BANDS,
    DEFAULT_THRESHOLD,
    Candidate,
    Gallery,
    confidence_band,
    from_bytes,
    to_bytes,
)
from threadline.faces._model import MODELS, Box, DlibFaceModel, Encoding, FaceModel, load_model
from threadline.faces._review import (
    DECISIONS,
    QueueItem,
    Review,
    audit_access,
    confirmed_networks,
    review_candidate,
    review_queue,
)
from threadline.faces._scan import Face, Scan, scan_image, try_scan

__all__ = [
    "BANDS",
    "DECISIONS",
    "DEFAULT_THRESHOLD",
    "EXACT_LIMIT",
    "MAX_PIXELS",
    "MAX_SIDE",
    "MODELS",
    "NAME_CONTEXT",
    "Box",
    "Candidate",
    "Decoded",
    "DlibFaceModel",
    "Encoding",
    "EnrollReport",
    "Face",
    "FaceIndex",
    "FaceLink",
    "FaceMatch",
    "FaceModel",
    "FaceRunReport",
    "Gallery",
    "Hit",
    "ImageError",
    "ImageProblem",
    "PersonSpec",
    "PhotoProblem",
    "QueueItem",
    "Review",
    "Scan",
    "analyze_ad_faces",
    "audit_access",
    "confidence_band",
    "confirmed_networks",
    "decode_image",
    "enroll",
    "face_links",
    "from_bytes",
    "load_gallery",
    "load_model",
    "match_files",
    "person_name",
    "queue_candidates",
    "read_gallery",
    "review_candidate",
    "review_queue",
    "scan_image",
    "to_bytes",
    "try_scan",
]
