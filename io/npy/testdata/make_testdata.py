#!/usr/bin/python3
"""Generate the test files of io/npy/testdata and expected.json.

Run from this directory:  /usr/bin/python3 make_testdata.py
(numpy >= 1.17; written with numpy 1.24). Files are small and
deterministic; the zip timestamps are fixed.
"""
import io
import json
import os
import zipfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20240601)
expected = {}


def path(name):
    return os.path.join(HERE, name)


def values(a):
    """The 2-D view x.reshape(n, -1) as strings (repr keeps nan/inf)."""
    a = np.asarray(a)
    m = a.reshape(a.shape[0], int(np.prod(a.shape[1:]))) if a.ndim > 0 else a.reshape(1, 1)
    return [repr(float(v)) for v in m.astype(np.float64).ravel(order="C")]


def record(key, a, **extra):
    a = np.asarray(a)
    e = {
        "shape": list(a.shape),
        "dtype": a.dtype.name,
        "fortran": bool(a.flags.f_contiguous and not a.flags.c_contiguous),
        "values": values(a),
    }
    e.update(extra)
    expected[key] = e


def save(name, a, fortran=False, version=None):
    a = np.asfortranarray(a) if fortran else np.ascontiguousarray(a)
    with open(path(name), "wb") as f:
        np.lib.format.write_array(f, a, version=version, allow_pickle=False)
    record(name, a)


def fixed_zip(name, members, compress):
    """Like np.savez(_compressed) but with fixed timestamps."""
    method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with zipfile.ZipFile(path(name), "w", method) as z:
        for key, a in members:
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.asanyarray(a), allow_pickle=False)
            info = zipfile.ZipInfo(key + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = method
            z.writestr(info, buf.getvalue())


x = rng.standard_normal((5, 7))
save("f4_c.npy", x.astype(np.float32))
save("f4_f.npy", x.astype(np.float32), fortran=True)
save("f8_c.npy", x)
save("f8_f.npy", x, fortran=True)
save("f8_be.npy", x.astype(">f8"))
save("f4_be.npy", x.astype(">f4"), fortran=True)
save("f2.npy", x.astype(np.float16))
ints = rng.integers(-1000, 1000, size=(4, 6))
save("i2.npy", ints.astype(np.int16))
save("i4.npy", ints.astype(np.int32))
save("i8.npy", ints.astype(np.int64))
save("i1.npy", (ints % 100).astype(np.int8))
save("u1.npy", np.abs(ints % 256).astype(np.uint8))
save("u2_be.npy", np.abs(ints).astype(">u2"))
save("u4.npy", np.abs(ints).astype(np.uint32))
save("u8.npy", np.abs(ints).astype(np.uint64))
save("bool.npy", ints > 0)
save("vec1d.npy", np.arange(6, dtype=np.float64) / 4)
save("rep3d.npy", rng.standard_normal((3, 4, 5)).astype(np.float32))
save("rep3d_f.npy", rng.standard_normal((3, 4, 5)), fortran=True)
save("conv4d.npy", rng.standard_normal((6, 2, 3, 3)).astype(np.float32))
save("conv4d_f.npy", rng.standard_normal((6, 2, 3, 3)).astype(np.float32), fortran=True)
save("zero_rows.npy", np.zeros((0, 3), dtype=np.float32))
save("v2.npy", x[:3, :4], version=(2, 0))
save("v3.npy", x[:2, :3].astype(np.float32), version=(3, 0))
nan = x[:3, :3].copy()
nan[0, 1] = np.nan
nan[1, 2] = np.inf
nan[2, 0] = -np.inf
save("nan_inf.npy", nan.astype(np.float32))
record("rep3d.npy", np.load(path("rep3d.npy")),
       subs=[values(s) for s in np.load(path("rep3d.npy"))])
record("rep3d_f.npy", np.load(path("rep3d_f.npy")),
       subs=[values(s) for s in np.load(path("rep3d_f.npy"))])

# 0-D array: opens, but is not a matrix.
np.save(path("scalar.npy"), np.float64(3.5))
# Unsupported element types.
np.save(path("complex.npy"), (x[:2, :2] + 1j).astype(np.complex64))
np.save(path("object.npy"), np.array([1, "a", None], dtype=object), allow_pickle=True)
np.save(path("strings.npy"), np.array(["cat", "dog", "ünïcode"]))
np.save(path("structured.npy"), np.zeros(3, dtype=[("a", "<f4"), ("b", "<i4")]))

# Truncated: the last 9 bytes of the data are missing.
b = open(path("f8_c.npy"), "rb").read()
open(path("truncated.npy"), "wb").write(b[:-9])
# Not NumPy at all, empty file.
open(path("bad_magic.npy"), "wb").write(b"this is not a numpy file\n")
open(path("empty.npy"), "wb").write(b"")

# .npz archives.
members = [
    ("layer1", x.astype(np.float32)),
    ("layer2", rng.standard_normal((5, 2, 2)).astype(np.float64)),
    ("labels", ints[:, 0].astype(np.int32)),
    ("names", np.array(["s%d" % i for i in range(5)])),
]
fixed_zip("savez.npz", members, compress=False)
fixed_zip("savez_compressed.npz", members, compress=True)
for key, a in members:
    if a.dtype.kind in "fiu":
        record("savez.npz:" + key, a)
expected["savez.npz:names"] = {"strings": [str(s) for s in members[3][1]]}
# An npz holding a complex array next to a readable one.
fixed_zip("mixed.npz", [("ok", x[:2, :2]), ("cplx", x[:2, :2] + 1j)], compress=False)

# A zip that is not an npz, and an empty zip.
with zipfile.ZipFile(path("notnpz.zip"), "w") as z:
    z.writestr(zipfile.ZipInfo("readme.txt", date_time=(1980, 1, 1, 0, 0, 0)), "hello\n")
with zipfile.ZipFile(path("emptyzip.npz"), "w") as z:
    pass

with open(path("expected.json"), "w") as f:
    json.dump(expected, f, sort_keys=True)
    f.write("\n")
