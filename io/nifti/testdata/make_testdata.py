#!/usr/bin/python3
"""Generate the small NIfTI test files of io/nifti/testdata and expected.json.

Run from any directory:  /usr/bin/python3 make_testdata.py
Needs numpy only (no nibabel): headers are packed byte by byte from the
NIfTI-1 and NIfTI-2 specifications (nifti1.h, nifti2.h), independently of
the Go reader. gzip output has no name and a zero time, so the files are
reproducible. expected.json holds, per file, the grid, the datatype, the
affine a reader must choose (sform > qform > pixdim) and every value after
scaling, in storage order (i fastest), as repr strings (keeps nan).
"""
import gzip
import io
import json
import os
import struct

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20241127)
expected = {}

DT = {  # numpy type -> (NIfTI code, bitpix)
    "uint8": (2, 8), "int16": (4, 16), "int32": (8, 32), "float32": (16, 32),
    "float64": (64, 64), "int8": (256, 8), "uint16": (512, 16),
    "uint32": (768, 32), "int64": (1024, 64), "uint64": (1280, 64),
    "complex64": (32, 64),
}


def quatern_affine(b, c, d, qoff, pixdim, qfac):
    """The qform affine (NIfTI-1 standard, method 2)."""
    a = 1.0 - (b * b + c * c + d * d)
    if a < 1e-7:
        n = np.sqrt(b * b + c * c + d * d)
        b, c, d, a = b / n, c / n, d / n, 0.0
    else:
        a = np.sqrt(a)
    R = np.array([
        [a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)],
        [2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b)],
        [2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b],
    ])
    s = np.array(pixdim[:3], dtype=np.float64)
    s[s <= 0] = 1
    if qfac < 0:
        s[2] = -s[2]
    A = np.eye(4)
    A[:3, :3] = R * s[None, :]
    A[:3, 3] = qoff
    return A


def header1(shape, dtype, endian="<", pixdim=(1, 1, 1, 1), qfac=1.0, vox_offset=352,
            slope=0.0, inter=0.0, qform=None, sform=None, magic=b"n+1\0",
            descrip=b"alignscope test", xyzt_units=2):
    """A NIfTI-1 header (348 bytes) plus the 4-byte extension flag."""
    code, bitpix = DT[dtype]
    dim = [len(shape)] + list(shape) + [1] * (7 - len(shape))
    pd = [qfac] + list(pixdim) + [0] * (7 - len(pixdim))
    qcode, (qb, qc, qd), qoff = (0, (0, 0, 0), (0, 0, 0)) if qform is None else qform
    scode, srow = (0, np.zeros((3, 4))) if sform is None else sform
    e = endian
    h = b""
    h += struct.pack(e + "i", 348)
    h += b"\0" * 10 + b"\0" * 18  # data_type, db_name
    h += struct.pack(e + "ihcb", 0, 0, b"r", 0)  # extents, session_error, regular, dim_info
    h += struct.pack(e + "8h", *dim)
    h += struct.pack(e + "3f", 0, 0, 0)  # intent_p1..3
    h += struct.pack(e + "hhhh", 0, code, bitpix, 0)  # intent_code, datatype, bitpix, slice_start
    h += struct.pack(e + "8f", *pd)
    h += struct.pack(e + "fff", vox_offset, slope, inter)
    h += struct.pack(e + "hbB", 0, 0, xyzt_units)  # slice_end, slice_code, xyzt_units
    h += struct.pack(e + "ffffii", 0, 0, 0, 0, 0, 0)  # cal_max, cal_min, slice_duration, toffset, glmax, glmin
    h += descrip.ljust(80, b"\0")[:80]
    h += b"\0" * 24  # aux_file
    h += struct.pack(e + "hh", qcode, scode)
    h += struct.pack(e + "6f", qb, qc, qd, *qoff)
    h += struct.pack(e + "12f", *np.asarray(srow, dtype=np.float64).ravel())
    h += b"\0" * 16  # intent_name
    h += magic
    assert len(h) == 348, len(h)
    return h + b"\0\0\0\0"


def header2(shape, dtype, endian="<", pixdim=(1, 1, 1, 1), qfac=1.0, vox_offset=544,
            slope=0.0, inter=0.0, qform=None, sform=None, magic=b"n+2\0\r\n\x1a\n",
            descrip=b"alignscope nifti2", xyzt_units=2):
    """A NIfTI-2 header (540 bytes) plus the 4-byte extension flag."""
    code, bitpix = DT[dtype]
    dim = [len(shape)] + list(shape) + [1] * (7 - len(shape))
    pd = [qfac] + list(pixdim) + [0] * (7 - len(pixdim))
    qcode, (qb, qc, qd), qoff = (0, (0, 0, 0), (0, 0, 0)) if qform is None else qform
    scode, srow = (0, np.zeros((3, 4))) if sform is None else sform
    e = endian
    h = struct.pack(e + "i", 540) + magic
    h += struct.pack(e + "hh", code, bitpix)
    h += struct.pack(e + "8q", *dim)
    h += struct.pack(e + "3d", 0, 0, 0)
    h += struct.pack(e + "8d", *pd)
    h += struct.pack(e + "q", vox_offset)
    h += struct.pack(e + "2d", slope, inter)
    h += struct.pack(e + "4d", 0, 0, 0, 0)  # cal_max, cal_min, slice_duration, toffset
    h += struct.pack(e + "2q", 0, 0)  # slice_start, slice_end
    h += descrip.ljust(80, b"\0")[:80]
    h += b"\0" * 24
    h += struct.pack(e + "ii", qcode, scode)
    h += struct.pack(e + "6d", qb, qc, qd, *qoff)
    h += struct.pack(e + "12d", *np.asarray(srow, dtype=np.float64).ravel())
    h += struct.pack(e + "iii", 0, xyzt_units, 0)  # slice_code, xyzt_units, intent_code
    h += b"\0" * 16 + b"\0" + b"\0" * 15  # intent_name, dim_info, unused_str
    assert len(h) == 540, len(h)
    return h + b"\0\0\0\0"


def body(arr, endian):
    """Values in storage order (Fortran: i fastest) with the byte order."""
    return np.asfortranarray(arr).astype(arr.dtype.newbyteorder(endian)).tobytes(order="F")


def write(name, raw):
    data = raw
    if name.endswith(".gz"):
        buf = io.BytesIO()
        with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as z:
            z.write(raw)
        data = buf.getvalue()
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


def record(name, arr, affine, slope=0.0, inter=0.0, dtype=None):
    vals = np.asarray(arr, dtype=np.float64)
    if slope != 0:
        vals = vals * slope + inter
    expected[name] = {
        "dims": list(arr.shape),
        "datatype": dtype or str(arr.dtype),
        "affine": [[float(v) for v in row] for row in affine],
        "values": [repr(float(v)) for v in vals.ravel(order="F")],
    }


# 1. float32, little-endian, sform preferred over a different qform.
a = rng.standard_normal((4, 3, 2)).astype(np.float32)
a[1, 2, 0] = np.nan
srow = np.array([[-2.0, 0.1, 0, 90], [0.05, 2.0, 0, -126], [0, 0, 2.5, -72]])
qf = (1, (0.0, 0.0, 0.0), (1.0, 2.0, 3.0))
write("f32_sform.nii", header1(a.shape, "float32", pixdim=(2, 2, 2.5), qform=qf, sform=(4, srow)) + body(a, "<"))
record("f32_sform.nii", a, np.vstack([srow, [0, 0, 0, 1]]))

# 2. int16, big-endian, 4-D, scaled, qform only (rotation and qfac = -1).
a = rng.integers(-300, 300, size=(4, 3, 2, 5)).astype(np.int16)
b, c, d = 0.1, -0.2, 0.3
qoff = (-10.0, 20.0, 5.5)
qf = (1, (b, c, d), qoff)
pix = (1.5, 2.0, 3.0, 2.0)
write("i16_be_4d.nii", header1(a.shape, "int16", endian=">", pixdim=pix, qfac=-1, slope=0.5, inter=10, qform=qf) + body(a, ">"))
record("i16_be_4d.nii", a, quatern_affine(b, c, d, qoff, pix, -1), slope=0.5, inter=10)

# 3. uint8 mask, gzip, neither qform nor sform: pixdim scaling; slope 0.
a = (rng.random((5, 4, 3)) > 0.5).astype(np.uint8)
write("u8_pixdim.nii.gz", header1(a.shape, "uint8", pixdim=(3, 3, 4)) + body(a, "<"))
record("u8_pixdim.nii.gz", a, np.diag([3.0, 3.0, 4.0, 1.0]))

# 4. NIfTI-2, float64, little-endian, 4-D, sform.
a = rng.standard_normal((3, 2, 2, 2))
srow = np.array([[1.0, 0, 0, -1], [0, 1.0, 0, -2], [0, 0, 1.0, -3]])
write("f64_nifti2.nii", header2(a.shape, "float64", sform=(2, srow)) + body(a, "<"))
record("f64_nifti2.nii", a, np.vstack([srow, [0, 0, 0, 1]]))

# 5. NIfTI-2, int32, big-endian, gzip, qform with the 180-degree case (a = 0).
a = rng.integers(-100000, 100000, size=(2, 3, 2)).astype(np.int32)
qf = (2, (1.0, 0.0, 0.0), (4.0, 5.0, 6.0))
pix = (2.0, 2.0, 2.0)
write("i32_nifti2_be.nii.gz", header2(a.shape, "int32", endian=">", pixdim=pix, slope=2.0, inter=-1.0, qform=qf) + body(a, ">"))
record("i32_nifti2_be.nii.gz", a, quatern_affine(1.0, 0.0, 0.0, (4.0, 5.0, 6.0), pix, 1), slope=2.0, inter=-1.0)

# 6. the other integer types, 2x2x2, identity sform, vox_offset 0 (read as 352).
eye = np.eye(4)[:3]
for dt, lo, hi in [("int8", -128, 127), ("uint16", 0, 65535), ("uint32", 0, 2**32 - 1),
                   ("int64", -(2**40), 2**40), ("uint64", 0, 2**50)]:
    a = rng.integers(lo, hi, size=(2, 2, 2), endpoint=True).astype(dt)
    name = f"dt_{dt}.nii"
    write(name, header1(a.shape, dt, sform=(1, eye), vox_offset=0) + body(a, "<"))
    record(name, a, np.eye(4))

# 7. five dimensions: 2x2x1 grid, t = 3, u = 2 (6 volumes).
a = np.arange(2 * 2 * 1 * 3 * 2, dtype=np.float32).reshape((2, 2, 1, 3, 2), order="F")
write("five_d.nii", header1(a.shape, "float32", sform=(1, eye)) + body(a, "<"))
record("five_d.nii", a, np.eye(4))

# 8. an .hdr/.img pair (magic "ni1", data at offset 0 of the .img).
a = rng.standard_normal((3, 2, 2)).astype(np.float32)
write("pair.hdr", header1(a.shape, "float32", magic=b"ni1\0", vox_offset=0, sform=(1, eye))[:348])
write("pair.img", body(a, "<"))
record("pair.hdr", a, np.eye(4))

# 9. files that must fail.
a = rng.standard_normal((4, 4, 4)).astype(np.float32)
full = header1(a.shape, "float32", sform=(1, eye)) + body(a, "<")
write("truncated.nii", full[: len(full) - 10])
write("truncated.nii.gz", full[: len(full) - 10])
write("complex.nii", header1((2, 2, 2), "complex64") + b"\0" * 64)
write("analyze.hdr", header1((2, 2, 2), "float32", magic=b"\0\0\0\0")[:348])

# 10. a small atlas and a 4-D beta series on the same grid for the loader:
# grid 5x4x3 at 3 mm (MNI-like sform), 6 volumes (3 stimuli x 2 repetitions,
# volume = rep*3 + stim), labels 1 = A (7 voxels), 2 = B (5 voxels), 4 = C.
grid = (5, 4, 3)
srow = np.array([[3.0, 0, 0, -6], [0, 3.0, 0, -4.5], [0, 0, 3.0, -3]])
atlas = np.zeros(grid, dtype=np.int16)
atlas[0:2, 0:2, 0] = 1
atlas[0:3, 2, 1] = 1
atlas[3:5, 0:2, 2] = 2
atlas[4, 3, 2] = 2
atlas[2, 3, 0] = 4
write("atlas.nii.gz", header1(grid, "int16", pixdim=(3, 3, 3), sform=(4, srow), qform=(4, (0, 0, 0), (-6, -4.5, -3))) + body(atlas, "<"))
record("atlas.nii.gz", atlas, np.vstack([srow, [0, 0, 0, 1]]))
betas = rng.standard_normal(grid + (6,)).astype(np.float32)
betas[1, 0, 0, 4] = np.nan  # a voxel of A with a NaN in one volume
betas[2, 3, 0, :] = np.nan  # C is all NaN
write("betas.nii", header1(betas.shape, "float32", pixdim=(3, 3, 3, 1), sform=(4, srow)) + body(betas, "<"))
write("betas.nii.gz", header1(betas.shape, "float32", pixdim=(3, 3, 3, 1), sform=(4, srow)) + body(betas, "<"))
record("betas.nii", betas, np.vstack([srow, [0, 0, 0, 1]]))
other = np.zeros((5, 4, 2), dtype=np.int16)
other[0, 0, 0] = 1
write("atlas_other_grid.nii", header1(other.shape, "int16", pixdim=(3, 3, 3), sform=(4, srow)) + body(other, "<"))
shifted = srow.copy()
shifted[0, 3] += 3
write("atlas_shifted.nii", header1(grid, "int16", pixdim=(3, 3, 3), sform=(4, shifted)) + body(atlas, "<"))

with open(os.path.join(HERE, "atlas.tsv"), "w") as f:
    f.write("index\tname\n1\tA\n2\tB\n4\tC\n")
with open(os.path.join(HERE, "atlas_extra.csv"), "w") as f:
    f.write("1,A\n2,B\n3,unused\n4,C\n")
with open(os.path.join(HERE, "atlas_missing.tsv"), "w") as f:
    f.write("index\tname\n1\tA\n")
with open(os.path.join(HERE, "atlas_fsl.xml"), "w") as f:
    f.write('<?xml version="1.0" encoding="ISO-8859-1"?>\n<atlas version="1.0">\n'
            '  <header><name>test</name><type>Label</type></header>\n  <data>\n'
            '    <label index="0" x="1" y="1" z="1">A</label>\n'
            '    <label index="1" x="4" y="1" z="2">B</label>\n'
            '    <label index="3" x="2" y="3" z="0">C</label>\n  </data>\n</atlas>\n')
with open(os.path.join(HERE, "atlas_lut.txt"), "w") as f:
    f.write("# FreeSurfer-style colour table\n0   Unknown   0 0 0 0\n1   A   70 130 180 0\n"
            "2   B   245 245 245 0\n4   C   205 62 78 0\n")
with open(os.path.join(HERE, "units.csv"), "w") as f:
    f.write("channel,x_um,y_um,z_um\nch1,10,20,30\nch2,-5.5,0,1e2\nch3,0,0,0\n")

with open(os.path.join(HERE, "expected.json"), "w") as f:
    json.dump(expected, f, indent=1, sort_keys=True)
    f.write("\n")
