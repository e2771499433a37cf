"""plan_slices against transformers' own MiniCPM-V 4.6 image processor (the Pil one: no torchvision)."""

from __future__ import annotations

import random

import pytest

from docai.parsers.slicing import SliceConfig, plan_slices


@pytest.fixture(scope="module")
def processor():
    mod = pytest.importorskip("transformers.models.minicpmv4_6.image_processing_pil_minicpmv4_6")
    return mod.MiniCPMV4_6ImageProcessorPil()


def _sizes() -> list[tuple[int, int]]:
    rng = random.Random(1234)
    sizes = {
        (1, 4000),
        (4000, 1),
        (1, 1),
        (2, 3),
        (13, 7),
        (448, 448),
        (449, 448),
        (896, 896),
        (20000, 20000),
    }
    sizes |= {(1, n) for n in (2, 50, 448, 1000, 100000)} | {(n, 1) for n in (2, 50, 448, 1000, 100000)}
    for w in range(40, 4000, 173):
        for h in range(40, 4000, 211):
            sizes.add((w, h))
    while len(sizes) < 2600:
        kind = rng.random()
        if kind < 0.3:  # extreme aspect ratios
            a, b = rng.randint(1, 60), rng.randint(500, 30000)
            sizes.add((a, b) if rng.random() < 0.5 else (b, a))
        elif kind < 0.5:  # near the slice-count boundaries
            k = rng.randint(1, 12)
            w = rng.randint(100, 3000)
            h = max(1, round(k * 448 * 448 / w) + rng.randint(-2, 2))
            sizes.add((w, h))
        else:
            sizes.add((rng.randint(1, 8000), rng.randint(1, 8000)))
    return sorted(sizes)


SIZES = _sizes()


@pytest.mark.parametrize(
    "config", [SliceConfig(), SliceConfig(max_slices=4), SliceConfig(scale_resolution=336)]
)
def test_plan_matches_transformers(processor, config: SliceConfig) -> None:
    assert len(SIZES) >= 2000
    mode = "16x" if config.merge_factor == 4 else "4x"
    mismatches = []
    for w, h in SIZES:
        plan = plan_slices(w, h, config)
        grid = processor.get_sliced_grid((h, w), config.max_slices, config.scale_resolution)
        ref_grid = None if grid is None else (grid[1], grid[0])
        oh, ow = processor.find_best_resize(
            (h, w), config.scale_resolution, config.patch_size, mode, allow_upscale=grid is None
        )
        ref_refine = None
        if grid is not None:
            rh, rw = processor.get_refine_size(
                (h, w), grid, config.scale_resolution, config.patch_size, mode, allow_upscale=True
            )
            ref_refine = (rw, rh)
        got = (plan.grid, plan.overview_size, plan.refine_size)
        if got != (ref_grid, (ow, oh), ref_refine):
            mismatches.append(((w, h), got, (ref_grid, (ow, oh), ref_refine)))
    assert not mismatches, f"{len(mismatches)} mismatches, first: {mismatches[:3]}"


@pytest.mark.parametrize("size", [(1200, 1600), (300, 200), (3000, 500), (1, 900), (2480, 3508)])
def test_full_preprocess_agrees(processor, size: tuple[int, int]) -> None:
    """Run the real preprocess on actual images: grid, piece count and per-piece sizes agree."""
    from PIL import Image

    w, h = size
    out = processor(images=[Image.new("RGB", (w, h), (200, 30, 30))])
    plan = plan_slices(w, h)
    grid = out["grids"][0]
    assert (None if grid == [0, 0] else (grid[1], grid[0])) == plan.grid
    assert out["num_patches_per_image"][0] == 1 + plan.n_slices
    sizes = [tuple(int(v) * 14 for v in ts) for ts in out["target_sizes"]]
    assert sizes[0] == (plan.overview_size[1], plan.overview_size[0])
    if plan.slice_size is not None:
        assert all(s == (plan.slice_size[1], plan.slice_size[0]) for s in sizes[1:])
