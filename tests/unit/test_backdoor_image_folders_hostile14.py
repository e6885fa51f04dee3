"""Image folders as users keep them (fourteenth session, hostile review): torchvision's
ImageFolder (class subfolders), transparency, symbolic link loops, hidden folders."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from assay.backdoor.image_files import ImageFiles, folder_labels, read_images
from assay.errors import UsageError

PIL = pytest.importorskip("PIL.Image")


def _png(path: Path, value: int, size: int = 8, mode: str = "L") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    arr = np.full((size, size), value, dtype=np.uint8)
    arr[0, 0] = 255 - value  # no two images alike
    PIL.fromarray(arr).convert(mode).save(path)


def test_an_image_folder_of_class_subfolders_is_read_with_its_labels(tmp_path: Path) -> None:
    for i in range(3):
        _png(tmp_path / "cat" / f"{i}.png", 10 + i)
        _png(tmp_path / "dog" / f"{i}.png", 100 + i)
    _png(tmp_path / "dog" / "puppies" / "p.png", 200)  # deeper, as torchvision reads it
    _png(tmp_path / ".ipynb_checkpoints" / "x.png", 50)  # Jupyter's: not a class
    (tmp_path / "cat" / "notes.txt").write_text("not an image")
    files = read_images(tmp_path, argument="--images")
    assert files.names == [
        "cat/0.png",
        "cat/1.png",
        "cat/2.png",
        "dog/0.png",
        "dog/1.png",
        "dog/2.png",
        "dog/puppies/p.png",
    ]
    assert files.label_names == ["cat"] * 3 + ["dog"] * 4
    assert files.values.shape == (7, 8, 8, 1)
    assert int(files.values[0, 1, 1, 0]) == 10 and int(files.values[-1, 1, 1, 0]) == 200


def test_a_flat_folder_has_no_folder_labels(tmp_path: Path) -> None:
    for i in range(2):
        _png(tmp_path / f"{i}.png", i)
    files = read_images(tmp_path, argument="--images")
    assert files.label_names is None and files.names == ["0.png", "1.png"]


def test_images_beside_class_subfolders_are_refused_naming_both(tmp_path: Path) -> None:
    _png(tmp_path / "stray.png", 1)
    _png(tmp_path / "cat" / "0.png", 2)
    with pytest.raises(UsageError, match=r"stray\.png.*cat/"):
        read_images(tmp_path, argument="--images")


def test_a_symbolic_link_loop_is_walked_once(tmp_path: Path) -> None:
    _png(tmp_path / "cat" / "0.png", 1)
    os.symlink(tmp_path / "cat", tmp_path / "cat" / "again")  # cat/again -> cat
    os.symlink(tmp_path / "nowhere", tmp_path / "cat" / "dangling")
    files = read_images(tmp_path, argument="--images")
    assert files.names == ["cat/0.png"]


@pytest.mark.parametrize(
    ("class_names", "subs", "want"),
    [
        (None, ["3", "0", "3"], [3, 0, 3]),
        (("cat", "dog"), ["dog", "cat"], [1, 0]),
        (("cat", "dog"), ["1", "dog"], [1, 1]),  # indices where the names are not used
        (("b", "a"), ["a"], [1]),  # a name, not its alphabetical place
    ],
)
def test_subfolder_names_map_to_the_models_classes(
    class_names: tuple[str, ...] | None, subs: list[str], want: list[int]
) -> None:
    files = ImageFiles(np.zeros((len(subs), 2, 2, 1)), True, subs, None, "images", subs)
    assert folder_labels(files, class_names, 2 if class_names else 4).tolist() == want


@pytest.mark.parametrize(
    ("class_names", "sub", "said"),
    [
        (None, "cat", "class indices 0 to 3"),
        (None, "7", "class indices 0 to 3"),
        (("cat", "dog"), "bird", "cat, dog"),
    ],
)
def test_a_subfolder_naming_no_class_is_refused_naming_it(
    class_names: tuple[str, ...] | None, sub: str, said: str
) -> None:
    files = ImageFiles(np.zeros((2, 2, 2, 1)), True, ["x", "y"], None, "images", ["0", sub])
    with pytest.raises(UsageError, match=f"'{sub}'.*{said}") as exc:
        folder_labels(files, class_names, 2 if class_names else 4)
    assert exc.value.path == "images"


@pytest.mark.parametrize("mode", ["RGBA", "LA"])
def test_an_alpha_channel_hiding_nothing_is_dropped(tmp_path: Path, mode: str) -> None:
    _png(tmp_path / "a.png", 40, mode=mode)
    files = read_images(tmp_path / "a.png", argument="--images")
    assert files.values.shape[-1] == (3 if mode == "RGBA" else 1)
    assert int(files.values[0, 1, 1, 0]) == 40


@pytest.mark.parametrize("mode", ["RGBA", "LA", "P"])
def test_transparent_pixels_are_refused_naming_the_file(tmp_path: Path, mode: str) -> None:
    folder = tmp_path / "imgs"
    _png(folder / "ok.png", 40)
    arr = np.zeros((8, 8, 4), dtype=np.uint8)
    arr[..., :3] = 90
    arr[..., 3] = 255
    arr[2, 3, 3] = 0  # one transparent pixel
    im = PIL.fromarray(arr, "RGBA")
    if mode == "LA":
        im = im.convert("LA")
    if mode == "P":  # a palette with a transparent entry (tRNS)
        im = im.convert("P")
        im.info["transparency"] = int(np.asarray(im)[2, 3])
        arr_p = np.asarray(im).copy()
        arr_p[2, 3] = 7
        im = PIL.fromarray(arr_p, "P")
        im.putpalette([v for i in range(256) for v in (i, i, i)])
        im.save(folder / "see-through.png", transparency=7)
    else:
        im.save(folder / "see-through.png")
    with pytest.raises(UsageError, match=r"see-through\.png has transparent pixels \(1 of 64"):
        read_images(folder, argument="--images")


def test_pil_images_with_transparency_are_refused_by_their_place() -> None:
    from assay.backdoor.image_files import pil_images

    im = PIL.new("RGBA", (4, 4), (1, 2, 3, 128))
    with pytest.raises(UsageError, match="image 1 has transparent pixels"):
        pil_images([PIL.new("RGB", (4, 4)), im], "images")


def test_an_image_folders_fingerprint_sees_its_subfolders(tmp_path: Path) -> None:
    """A resume refuses images changed since the run started (``core.integrity``): in a
    folder of class subfolders too (its fingerprint read only the files directly in it)."""
    from assay.core.integrity import path_fingerprint

    _png(tmp_path / "cat" / "0.png", 1)
    os.symlink(tmp_path / "cat", tmp_path / "cat" / "loop")
    before = path_fingerprint(tmp_path)
    _png(tmp_path / "cat" / "0.png", 2)
    assert path_fingerprint(tmp_path)["sha256"] != before["sha256"]
    flat = tmp_path / "flat"
    _png(flat / "0.png", 1)
    import hashlib

    from assay.core.integrity import file_fingerprint

    old = hashlib.sha256(f"0.png\0{file_fingerprint(flat / '0.png')['sha256']}\n".encode())
    assert path_fingerprint(flat)["sha256"] == old.hexdigest()  # as stored by earlier runs


def test_a_link_back_to_the_folder_itself_is_not_a_class(tmp_path: Path) -> None:
    for i in range(2):
        _png(tmp_path / f"{i}.png", i)
    os.symlink(tmp_path, tmp_path / "again")  # again -> the folder: a loop, not a class
    files = read_images(tmp_path, argument="--images")
    assert files.names == ["0.png", "1.png"] and files.label_names is None


@pytest.mark.parametrize("suffix", [".bmp", ".tif", ".webp", ".gif"])
def test_other_formats_pillow_reads_are_read(tmp_path: Path, suffix: str) -> None:
    arr = np.full((8, 8), 77, dtype=np.uint8)
    PIL.fromarray(arr).save(
        tmp_path / f"a{suffix}", **({"lossless": True} if suffix == ".webp" else {})
    )
    files = read_images(tmp_path, argument="--images")
    assert files.names == [f"a{suffix}"] and int(files.values[0].mean()) == 77


def test_an_animation_is_refused_naming_it(tmp_path: Path) -> None:
    frames = [PIL.fromarray(np.full((8, 8), v, dtype=np.uint8)) for v in (0, 255)]
    frames[0].save(tmp_path / "blink.gif", save_all=True, append_images=frames[1:])
    with pytest.raises(UsageError, match=r"blink\.gif holds 2 frames"):
        read_images(tmp_path, argument="--images")


def test_a_decompression_bomb_is_a_usage_error_naming_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _png(tmp_path / "photo.png", 3, size=40)
    monkeypatch.setattr(PIL, "MAX_IMAGE_PIXELS", 100)  # 1,600 pixels: over twice the limit
    with pytest.raises(UsageError, match=r"photo\.png is too large to read safely"):
        read_images(tmp_path / "photo.png", argument="--images")


def test_sizes_are_checked_before_any_image_is_decoded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assay.backdoor import image_files

    _png(tmp_path / "a.png", 1, size=8)
    _png(tmp_path / "b.png", 1, size=9)

    def never(*args: object) -> None:
        raise AssertionError("decoded before the sizes were checked")

    monkeypatch.setattr(image_files, "read_file", never)
    with pytest.raises(UsageError, match=r"b\.png is 9x9 but a\.png is 8x8.*assay does not resize"):
        read_images(tmp_path, argument="--images")


def test_images_that_would_not_fit_in_memory_are_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assay.backdoor import pixels

    for i in range(3):
        _png(tmp_path / f"{i}.png", i, size=100)
    # 3 images of 100x100 grey: 720,000 bytes as the scan holds them; a 2 MB machine's quarter
    # is 500,000
    monkeypatch.setattr(pixels, "_memory", lambda: 2_000_000)
    with pytest.raises(UsageError, match=r"3 images of 100x100 pixels would take"):
        read_images(tmp_path, argument="--clean")
    monkeypatch.setattr(pixels, "_memory", lambda: 4_000_000)
    assert read_images(tmp_path, argument="--clean").values.shape == (3, 100, 100, 1)


@pytest.mark.parametrize("suffix", [".npy", ".npz"])
def test_an_array_that_would_not_fit_in_memory_is_refused_from_its_header(
    tmp_path: Path, suffix: str
) -> None:
    """A million 512x512 colour images, as a .npy header (or .npz member) says: refused from
    the header, before numpy reads (or tries to allocate) the array."""
    import zipfile

    from numpy.lib import format as npformat

    header = {"descr": "<f4", "fortran_order": False, "shape": (1_000_000, 512, 512, 3)}
    raw = tmp_path / "big.npy"
    with raw.open("wb") as fh:
        npformat.write_array_header_1_0(fh, header)
        fh.write(b"\0" * 64)  # the data would follow: a truncated file, as numpy would fail on
    path = raw
    if suffix == ".npz":
        path = tmp_path / "big.npz"
        with zipfile.ZipFile(path, "w") as z:
            z.write(raw, "images.npy")
    with pytest.raises(UsageError, match=r"1,000,000 images of 512x512 pixels would take") as info:
        read_images(path, argument="--images")
    assert info.value.path == str(path)
    small = tmp_path / f"small{suffix}"
    arr = np.zeros((3, 8, 8), dtype=np.uint8)
    if suffix == ".npy":
        np.save(small, arr)
    else:
        np.savez(small, images=arr)
    assert read_images(small, argument="--images").values.shape == (3, 8, 8, 1)


def test_logits_are_read_as_the_probabilities_they_stand_for() -> None:
    """A model answering log-probabilities plus a constant (all positive): the scores STRIP
    and the model scan read are its probabilities (they were near-uniform rows)."""
    from assay.backdoor.strip import class_scores
    from assay.core.model import Capabilities

    p = np.array([[0.9, 0.05, 0.05], [0.2, 0.7, 0.1]])
    caps = Capabilities(modality="image", n_classes=3, outputs="proba")
    np.testing.assert_allclose(class_scores(np.log(p) + 30.0, caps), p)
    np.testing.assert_allclose(class_scores(np.log(p) * 1.0 - 5.0, caps), p)
    np.testing.assert_allclose(class_scores(p, caps), p)
    labels = Capabilities(modality="image", n_classes=3, outputs="labels")
    assert class_scores(np.array([2, 0]), labels).tolist() == [[0, 0, 1], [1, 0, 0]]


def test_eight_bit_values_saved_as_sixteen_bit_are_refused_naming_the_file(
    tmp_path: Path,
) -> None:
    """Read as 0..65535 they were all near black: the model gave one class to everything,
    and the run ended 'nothing was tested' blaming --range."""
    PIL.fromarray(np.full((8, 8), 200, dtype=np.uint16)).save(tmp_path / "scan.png")
    with pytest.raises(
        UsageError, match=r"scan\.png is a 16-bit image whose values stay under 201"
    ):
        read_images(tmp_path, argument="--images")
    PIL.fromarray(np.full((8, 8), 4095 * 16, dtype=np.uint16)).save(tmp_path / "scan.png")
    assert read_images(tmp_path, argument="--images").values.max() == 65520 / 65535
