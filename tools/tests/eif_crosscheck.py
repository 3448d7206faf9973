#!/usr/bin/env python3
# Copyright 2026 The nitro-attest Authors. SPDX-License-Identifier: Apache-2.0
#
# An independent EIF reader and writer, written from the format (../shared/docs/eif.md) with
# Python's standard library only (hashlib, zlib, struct, base64), to cross-check nitro-eif:
#   - it writes the eif.md vector and other images itself, and nitro-eif must describe them
#     with the same PCRs and CRC;
#   - nitro-eif builds, signs and makes ramdisks, and this reader must find in them what
#     nitro-eif printed (measurements, CRC, a newc archive holding exactly the tree);
#   - the signature nitro-eif writes verifies with the `openssl` command over a Sig_structure
#     built here;
#   - images whose sequential and table readings differ (checked here with both readings) are
#     refused by nitro-eif, with no measurements printed.
# Usage: eif_crosscheck.py PATH/TO/nitro-eif        (ctest: eif_python_crosscheck)
import base64
import hashlib
import json
import os
import struct
import subprocess
import sys
import tempfile
import zlib

HEADER = 548
SECTION = 12
KERNEL, CMDLINE, RAMDISK, SIGNATURE, METADATA = 1, 2, 3, 4, 5

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def measure(data):
    return hashlib.sha384(b"\0" * 48 + hashlib.sha384(data).digest()).hexdigest()


# ---- writer (IMG EifBuilder's layout) ---------------------------------------------------------

def write_eif(sections, version=4, flags=0, table_edit=None, trailing=b""):
    """sections: list of (type, data). Returns the image bytes with a correct CRC."""
    offsets, sizes, body = [0] * 32, [0] * 32, b""
    for i, (t, data) in enumerate(sections):
        offsets[i] = HEADER + len(body)
        sizes[i] = len(data)
        body += struct.pack(">HHQ", t, 0, len(data)) + data
    if table_edit:
        table_edit(offsets, sizes)
    body += trailing
    head = struct.pack(">4sHHQQHH32Q32QI", b".eif", version, flags, 1 << 30, 2, 0, len(sections),
                       *offsets, *sizes, 0)
    crc = zlib.crc32(body, zlib.crc32(head))
    return head + struct.pack(">I", crc) + body


# ---- two readers: sequential (IMG EifReader, describe-eif) and by table (QEMU) ----------------

def measure_sections(sections):
    boot, app, ramdisks = hashlib.sha384(), hashlib.sha384(), 0
    pcr1 = None
    for t, data in sections:
        if t in (KERNEL, CMDLINE):
            boot.update(data)
        elif t == RAMDISK:
            boot.update(data)
            if ramdisks == 0:
                pcr1 = boot.copy()
            else:
                app.update(data)
            ramdisks += 1

    def ext(h):
        return hashlib.sha384(b"\0" * 48 + h.digest()).hexdigest()
    out = {"PCR0": ext(boot), "PCR1": ext(pcr1), "PCR2": ext(app)}
    for t, data in sections:
        if t == SIGNATURE:
            out["PCR8"] = measure(pem_to_der(parse_signature(data)["signing_certificate"]))
    return out


def read_sequential(img):
    crc = zlib.crc32(img[:HEADER - 4])
    pos, sections = HEADER, []
    while pos + SECTION <= len(img):
        t, _, size = struct.unpack(">HHQ", img[pos:pos + SECTION])
        data = img[pos + SECTION:pos + SECTION + size]
        crc = zlib.crc32(img[pos:pos + SECTION + size], crc)
        sections.append((t, data))
        pos += SECTION + size
    return sections, crc, pos == len(img)


def read_table(img):
    fields = struct.unpack(">4sHHQQHH32Q32QII", img[:HEADER])
    n, offsets, sizes = fields[6], fields[7:39], fields[39:71]
    crc = zlib.crc32(img[:HEADER - 4])
    sections = []
    for i in range(n):
        t, _, size = struct.unpack(">HHQ", img[offsets[i]:offsets[i] + SECTION])
        if size != sizes[i]:
            return None, None
        data = img[offsets[i] + SECTION:offsets[i] + SECTION + size]
        crc = zlib.crc32(img[offsets[i]:offsets[i] + SECTION + size], crc)
        sections.append((t, data))
    return sections, crc


def header_crc(img):
    return struct.unpack(">I", img[HEADER - 4:HEADER])[0]


# ---- a minimal CBOR reader for the signature section -------------------------------------------

def cbor(buf, pos=0):
    b = buf[pos]
    major, info = b >> 5, b & 31
    pos += 1
    if info < 24:
        arg = info
    else:
        n = {24: 1, 25: 2, 26: 4, 27: 8}[info]
        arg = int.from_bytes(buf[pos:pos + n], "big")
        pos += n
    if major == 0:
        return arg, pos
    if major == 1:
        return -1 - arg, pos
    if major in (2, 3):
        data = buf[pos:pos + arg]
        return (data if major == 2 else data.decode()), pos + arg
    if major == 4:
        items = []
        for _ in range(arg):
            item, pos = cbor(buf, pos)
            items.append(item)
        return items, pos
    if major == 5:
        m = {}
        for _ in range(arg):
            k, pos = cbor(buf, pos)
            v, pos = cbor(buf, pos)
            m[k] = v
        return m, pos
    raise ValueError("unexpected CBOR major type %d" % major)


def parse_signature(section):
    items, end = cbor(section)
    assert end == len(section) and len(items) == 1
    return {k: bytes(v) for k, v in items[0].items()}


def pem_to_der(pem):
    text = pem.decode()
    body = text.split("-----BEGIN CERTIFICATE-----")[1].split("-----END CERTIFICATE-----")[0]
    return base64.b64decode("".join(body.split()))


def der_int(b):
    b = b.lstrip(b"\0") or b"\0"
    if b[0] & 0x80:
        b = b"\0" + b
    return b"\x02" + bytes([len(b)]) + b


def der_len(n):
    return bytes([n]) if n < 128 else b"\x81" + bytes([n])


def cbor_head(major, n):
    if n < 24:
        return bytes([major << 5 | n])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if n < 1 << (8 * size):
            return bytes([major << 5 | info]) + n.to_bytes(size, "big")


def check_cose_with_openssl(section, pcr0, work):
    sig = parse_signature(section)
    cose, end = cbor(sig["signature"])
    check(end == len(sig["signature"]) and len(cose) == 4, "signature is a COSE_Sign1")
    protected, unprotected, payload, signature = cose
    check(protected == bytes.fromhex("a1013822") and unprotected == {}, "ES384 headers")
    expected = cbor(payload)[0]
    check(expected == {"register_index": 0, "register_value": list(bytes.fromhex(pcr0))},
          "the COSE payload is PcrInfo{0, PCR0}")
    to_sign = (b"\x84" + cbor_head(3, 10) + b"Signature1" + cbor_head(2, len(protected)) +
               protected + b"\x40" + cbor_head(2, len(payload)) + payload)
    r, s = der_int(signature[:48]), der_int(signature[48:])
    der_sig = b"\x30" + der_len(len(r) + len(s)) + r + s
    paths = {n: os.path.join(work, n) for n in ("cert.pem", "pub.pem", "msg", "sig")}
    open(paths["cert.pem"], "wb").write(sig["signing_certificate"])
    open(paths["msg"], "wb").write(to_sign)
    open(paths["sig"], "wb").write(der_sig)
    subprocess.run(["openssl", "x509", "-pubkey", "-noout", "-in", paths["cert.pem"], "-out",
                    paths["pub.pem"]], check=True)
    v = subprocess.run(["openssl", "dgst", "-sha384", "-verify", paths["pub.pem"], "-signature",
                        paths["sig"], paths["msg"]], capture_output=True, text=True)
    check(v.returncode == 0 and "Verified OK" in v.stdout, "openssl verifies the COSE signature")


# ---- the tool ----------------------------------------------------------------------------------

TOOL = sys.argv[1]


def run(*args):
    return subprocess.run([TOOL, *args], capture_output=True, text=True)


def describe(path):
    p = run("describe", path)
    return p.returncode, (json.loads(p.stdout) if p.stdout.strip() else None), p.stderr


def python_view(img):
    seq, seq_crc, exact = read_sequential(img)
    tab, tab_crc = read_table(img)
    check(exact and seq == tab and seq_crc == tab_crc, "both Python readings agree")
    return measure_sections(seq), seq_crc


def main():
    work = tempfile.mkdtemp(prefix="eif-crosscheck-")
    path = lambda n: os.path.join(work, n)

    # 1. The eif.md vector, written here; nitro-eif must read what this reader reads.
    meta = (b'{"ImageName":"t","ImageVersion":"1","BuildMetadata":{"BuildTime":'
            b'"1970-01-01T00:00:00+00:00","BuildTool":"x","BuildToolVersion":"0",'
            b'"OperatingSystem":"Linux","KernelVersion":"0"},"DockerInfo":{},"CustomMetadata":null}')
    vector = write_eif([(KERNEL, b"KERNEL" * 10), (CMDLINE, b"console=ttyS0"), (METADATA, meta),
                        (RAMDISK, b"RAMDISK0"), (RAMDISK, b"RAMDISK1-app")])
    check(hashlib.sha256(vector).hexdigest() ==
          "91a8db664ef324a90ffa4230a4cc07238db5c247d8354c60308cc35463bee3bc", "vector bytes")
    open(path("vector.eif"), "wb").write(vector)
    pcrs, crc = python_view(vector)
    check(pcrs["PCR0"].startswith("0a54106b") and pcrs["PCR2"].startswith("60e67d23"),
          "vector PCRs as eif.md")
    rc, out, err = describe(path("vector.eif"))
    check(rc == 0, "describe vector exits 0: " + err)
    check(out["Measurements"] == {"HashAlgorithm": "Sha384 { ... }", **pcrs}, "vector PCRs agree")
    check(out["CheckCRC"] is True and crc == header_crc(vector), "vector CRC")
    check(out["ImageName"] == "t" and out["Metadata"]["DockerInfo"] == {}, "vector metadata")
    check(list(out) == ["EifVersion", "Measurements", "IsSigned", "CheckCRC", "ImageName",
                        "ImageVersion", "Metadata"], "describe-eif's key order")

    # 2. Images written here with odd shapes: one ramdisk, empty sections, many ramdisks, arm64.
    shapes = {
        "one-ramdisk": [(KERNEL, b"k"), (CMDLINE, b""), (METADATA, meta), (RAMDISK, b"r")],
        "empty-ramdisks": [(KERNEL, b""), (CMDLINE, b"c"), (METADATA, meta), (RAMDISK, b""),
                           (RAMDISK, b"")],
        "many": [(KERNEL, os.urandom(5000)), (CMDLINE, b"x" * 300), (METADATA, meta)] +
                [(RAMDISK, os.urandom(n)) for n in (1, 70000, 0, 3, 4096)],
        "metadata-last": [(KERNEL, b"k"), (CMDLINE, b"c"), (RAMDISK, b"r0"), (RAMDISK, b"r1"),
                          (METADATA, meta)],
    }
    for name, sections in shapes.items():
        img = write_eif(sections)
        open(path(name), "wb").write(img)
        pcrs, crc = python_view(img)
        rc, out, err = describe(path(name))
        check(rc == 0 and out["Measurements"] == {"HashAlgorithm": "Sha384 { ... }", **pcrs},
              name + ": PCRs agree " + err)
        if name == "one-ramdisk":
            check(pcrs["PCR0"] == pcrs["PCR1"] and pcrs["PCR2"] == measure(b""), name + " invariant")
        # A flipped byte in each section's data: the CRC says so, the PCRs follow the bytes.
        for i, (t, data) in enumerate(sections):
            if not data:
                continue
            flipped = bytearray(img)
            flipped[struct.unpack(">Q", img[28 + 8 * i:36 + 8 * i])[0] + SECTION] ^= 0x40
            open(path(name + ".flip"), "wb").write(bytes(flipped))
            fp, fcrc = python_view(bytes(flipped))
            rc, out, _ = describe(path(name + ".flip"))
            check(rc == 1 and out["CheckCRC"] is False and fcrc != header_crc(img),
                  "%s: flip in section %d reported" % (name, i))
            check(out["Measurements"] == {"HashAlgorithm": "Sha384 { ... }", **fp},
                  "%s: flipped PCRs agree" % name)

    # 3. Disagreements, made here and confirmed here: nitro-eif refuses and prints no PCRs.
    base = [(KERNEL, b"KERNEL"), (CMDLINE, b"c"), (METADATA, meta), (RAMDISK, b"R0"),
            (RAMDISK, b"R1")]

    def gap(o, s):
        o[3] += 2

    def size(o, s):
        s[1] = 0

    evil_tail = struct.pack(">HHQ", RAMDISK, 0, 4) + b"EVIL"
    crafted = {
        "table-gap": write_eif(base, table_edit=gap),
        "table-size": write_eif(base, table_edit=size),
        "hidden-ramdisk": write_eif(base, trailing=evil_tail),
        "second-kernel": write_eif(base[:1] + [(KERNEL, b"OTHER")] + base[1:]),
    }
    for name, img in crafted.items():
        seq = read_sequential(img)
        tab = read_table(img)
        disagree = (not seq[2]) or seq[0] != tab[0] or [t for t, _ in seq[0]].count(KERNEL) > 1
        check(disagree, name + ": the two Python readings disagree (test sanity)")
        open(path(name), "wb").write(img)
        rc, out, err = describe(path(name))
        check(rc == 1 and out is None and "malformed_image" in err, name + ": refused")

    # 4. nitro-eif build, read here; twice gives the same bytes.
    open(path("kernel"), "wb").write(os.urandom(100000))
    open(path("boot.cpio"), "wb").write(os.urandom(30000))
    open(path("app.cpio"), "wb").write(os.urandom(50000))
    args = ["build", "--kernel", path("kernel"), "--cmdline", "console=ttyS0 quiet", "--ramdisk",
            path("boot.cpio"), "--ramdisk", path("app.cpio")]
    b1 = run(*args, "-o", path("b1.eif"))
    b2 = run(*args, "-o", path("b2.eif"))
    check(b1.returncode == 0 and b2.returncode == 0, "build exits 0: " + b1.stderr)
    img = open(path("b1.eif"), "rb").read()
    check(img == open(path("b2.eif"), "rb").read(), "build is reproducible")
    pcrs, crc = python_view(img)
    check(json.loads(b1.stdout) == {"Measurements": {"HashAlgorithm": "Sha384 { ... }", **pcrs}},
          "build's Measurements are this reader's")
    check(crc == header_crc(img), "build's CRC is right")
    seq = read_sequential(img)[0]
    check([t for t, _ in seq] == [KERNEL, CMDLINE, METADATA, RAMDISK, RAMDISK], "builder order")
    check(seq[1][1] == b"console=ttyS0 quiet", "cmdline written as given")
    m = json.loads(seq[2][1])
    check(m["BuildMetadata"]["BuildTime"] == "1970-01-01T00:00:00+00:00" and
          m["DockerInfo"] is None and m["CustomMetadata"] is None, "builder metadata")

    # 5. nitro-eif sign with a key made by openssl: PCR0-2 unchanged, PCR8 of the DER, the
    #    COSE verified by openssl.
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:P-384", "-keyout", path("key.pem"), "-out",
                    path("cert.pem"), "-days", "30", "-nodes", "-subj", "/CN=crosscheck"],
                   check=True, capture_output=True)
    s = run("sign", path("b1.eif"), "--signing-certificate", path("cert.pem"), "--private-key",
            path("key.pem"), "-o", path("signed.eif"))
    check(s.returncode == 0, "sign exits 0: " + s.stderr)
    signed = open(path("signed.eif"), "rb").read()
    spcrs, scrc = python_view(signed)
    check(all(spcrs[k] == pcrs[k] for k in ("PCR0", "PCR1", "PCR2")), "signing keeps PCR0-2")
    check(spcrs["PCR8"] == measure(pem_to_der(open(path("cert.pem"), "rb").read())), "PCR8")
    check(json.loads(s.stdout)["Measurements"] == {"HashAlgorithm": "Sha384 { ... }", **spcrs},
          "sign's Measurements are this reader's")
    check(scrc == header_crc(signed), "signed CRC")
    check_cose_with_openssl(read_sequential(signed)[0][-1][1], pcrs["PCR0"], work)
    rc, out, err = describe(path("signed.eif"))
    check(rc == 0 and out["IsSigned"] and out["SignatureCheck"] and
          out["SigningCertificate"]["IssuerName"] == {"commonName": "crosscheck"},
          "describe signed: " + err)
    p8 = run("pcr", "--signing-certificate", path("cert.pem"))
    check(json.loads(p8.stdout) == {"PCR8": spcrs["PCR8"]}, "pcr --signing-certificate")

    # 6. nitro-eif ramdisk: a newc archive of exactly the tree, and pcr --input agrees.
    root = path("rootfs")
    os.makedirs(os.path.join(root, "etc/app"))
    os.makedirs(os.path.join(root, "bin"))
    tree = {"bin/app": (b"#!/bin/sh\nexec true\n", 0o755), "etc/app/conf": (b"k=v\n", 0o640),
            "etc/z": (os.urandom(1000), 0o644)}
    for name, (data, mode) in tree.items():
        open(os.path.join(root, name), "wb").write(data)
        os.chmod(os.path.join(root, name), mode)
    os.symlink("app", os.path.join(root, "bin/sh"))
    rd = run("ramdisk", root, "-o", path("app.cpio.gz"))
    check(rd.returncode == 0, "ramdisk exits 0: " + rd.stderr)
    gz = open(path("app.cpio.gz"), "rb").read()
    check(json.loads(rd.stdout) == {"PCR": measure(gz)}, "ramdisk prints pcr --input's value")
    check(json.loads(run("pcr", "--input", path("app.cpio.gz")).stdout) == {"PCR": measure(gz)},
          "pcr --input")
    archive = zlib.decompress(gz, 16 + zlib.MAX_WBITS)
    pos, names, found = 0, [], {}
    while True:
        check(archive[pos:pos + 6] == b"070701", "newc magic")
        f = [int(archive[pos + 6 + 8 * i:pos + 14 + 8 * i], 16) for i in range(13)]
        name = archive[pos + 110:pos + 110 + f[11] - 1].decode()
        pos = (pos + 110 + f[11] + 3) & ~3
        data = archive[pos:pos + f[6]]
        pos = (pos + f[6] + 3) & ~3
        if name == "TRAILER!!!":
            break
        names.append(name)
        found[name] = (f[1], data, f[2], f[3], f[5])
    check(pos == len(archive), "nothing after the trailer")
    check(names == sorted(names) == ["bin", "bin/app", "bin/sh", "etc", "etc/app",
                                     "etc/app/conf", "etc/z"], "sorted entries: %s" % names)
    for name, (data, mode) in tree.items():
        check(found[name][0] == 0o100000 | mode and found[name][1] == data, name + " archived")
    check(found["bin/sh"][0] == 0o120777 and found["bin/sh"][1] == b"app", "symlink archived")
    check(all(v[2] == 0 and v[3] == 0 and v[4] == 0 for v in found.values()), "owners and times")

    if failures:
        print("eif crosscheck: %d checks failed" % len(failures))
        return 1
    print("eif crosscheck: every check agreed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
