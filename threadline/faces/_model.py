"""Face detection and encoding behind one small interface, and the registry of models."""

from __future__ import annotations

import importlib.metadata
import importlib.util
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import dlib
import numpy as np
from numpy.typing import NDArray

from threadline.errors import ConfigError
from threadline.faces._images import RGBArray

Encoding = NDArray[np.float32]
DIMENSIONS = 128


@dataclass(frozen=True, slots=True)
class Box:
    """A face's rectangle in pixels; it may overhang the image where a face is cut off."""

    left: int
    top: int
    right: int
    bottom: int

    def scaled(self, factor: float) -> Box:
        """The same rectangle in an image `factor` times the size."""
        return Box(*(round(v * factor) for v in (self.left, self.top, self.right, self.bottom)))

    def clipped(self, width: int, height: int) -> Box:
        """The part of the rectangle inside a width x height image."""
        return Box(
            max(0, self.left), max(0, self.top), min(width, self.right), min(height, self.bottom)
        )

    def as_list(self) -> list[int]:
        """[left, top, right, bottom], as stored and shown."""
        return [self.left, self.top, self.right, self.bottom]


class FaceModel(Protocol):
    """Finds faces and turns each into a fixed-length vector; nearer vectors, likelier one person.

    `version` is recorded with every stored encoding and candidate, so results of different
    models never mix. Implementations load their weights from installed files only.
    """

    name: str
    version: str
    dimensions: int
    threshold: float  # the distance its authors calibrated as "same person"

    def detect(self, pixels: RGBArray) -> list[Box]:
        """Faces in an RGB array, in a stable order (left to right, then top to bottom)."""
        ...

    def encode(self, pixels: RGBArray, boxes: list[Box]) -> list[Encoding]:
        """One encoding per box."""
        ...


class DlibFaceModel:
    """dlib's HOG detector, 5-point alignment and ResNet encoder (the face_recognition weights).

    Its authors report 99.38% on LFW at distance threshold 0.6. Weights come from the installed
    `face-recognition-models` package, found without importing it (its `__init__` needs
    pkg_resources, which setuptools 81 removed).
    """

    name = "dlib-resnet-v1"
    dimensions = DIMENSIONS
    threshold = 0.6

    def __init__(self, upsample: int = 0, jitters: int = 1) -> None:
        # Upsampling 1 finds smaller faces but also found a face in a plain patch; 0 did not.
        self.upsample = upsample
        self.jitters = jitters
        self.version = f"{self.name}/frm-{_weights_version()}"
        folder = weights_folder()
        self._detector: Any = dlib.get_frontal_face_detector()
        self._shapes: Any = dlib.shape_predictor(
            str(folder / "shape_predictor_5_face_landmarks.dat")
        )
        self._encoder: Any = dlib.face_recognition_model_v1(
            str(folder / "dlib_face_recognition_resnet_model_v1.dat")
        )

    def detect(self, pixels: RGBArray) -> list[Box]:
        """Faces found by the HOG detector (boxes as dlib gives them, overhang kept)."""
        found = self._detector(pixels, self.upsample)
        boxes = [Box(int(r.left()), int(r.top()), int(r.right()), int(r.bottom())) for r in found]
        return sorted(boxes, key=_order)

    def encode(self, pixels: RGBArray, boxes: list[Box]) -> list[Encoding]:
        """128-d descriptors, one per box."""
        encodings = []
        for box in boxes:
            rect = dlib.rectangle(box.left, box.top, box.right, box.bottom)
            shape = self._shapes(pixels, rect)
            vector = self._encoder.compute_face_descriptor(pixels, shape, self.jitters)
            encodings.append(np.asarray(vector, dtype=np.float32))
        return encodings


MODELS: dict[str, type[DlibFaceModel]] = {DlibFaceModel.name: DlibFaceModel}


def load_model(name: str = DlibFaceModel.name) -> FaceModel:
    """The registered model of that name, weights loaded."""
    factory = MODELS.get(name)
    if factory is None:
        raise ConfigError(f"unknown face model {name!r}; known: {', '.join(sorted(MODELS))}")
    return factory()


def weights_folder() -> Path:
    """The `models/` folder of the installed face-recognition-models package."""
    spec = importlib.util.find_spec("face_recognition_models")
    locations = list(spec.submodule_search_locations or []) if spec else []
    if not locations:
        raise ConfigError("face weights missing: pip install face-recognition-models")
    return Path(locations[0]) / "models"


def _weights_version() -> str:
    try:
        return importlib.metadata.version("face-recognition-models")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _order(box: Box) -> tuple[int, int]:
    return (box.left, box.top)
