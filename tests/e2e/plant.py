#!/usr/bin/env python3
"""Plants a DICOM file, an HL7 v2 message and a real SQLite database at random LBAs of a device or
image (argv[1]), each in its own 512-byte-aligned spot, and prints "TYPE LBA COUNT" lines.
argv[2] is the seed (printed by the caller, so a failure can be replayed)."""
import os
import random
import sqlite3
import sys
import tempfile

dev, seed = sys.argv[1], int(sys.argv[2])
rng = random.Random(seed)

def dicom():
    # PS3.10 file: 128-byte preamble, "DICM", then a group-0002 element (explicit VR little endian).
    body = b"\0" * 128 + b"DICM" + b"\x02\x00\x10\x00UI\x14\x001.2.840.10008.1.2.1\0"
    body += b"\x10\x00\x10\x00PN\x0c\x00YAMADA^TARO" + b" "
    body += b"\x10\x00\x20\x00LO\x08\x00P-004711"
    return body

def hl7():
    return (b"MSH|^~\\&|RIS|HOSPITAL|PACS|HOSPITAL|20261127120000||ADT^A01|MSG0001|P|2.5\r"
            b"PID|1||P-004711^^^HOSP||YAMADA^TARO||19700101|M\r")

def sqlite_db():
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "patients.db")
        con = sqlite3.connect(path)
        con.execute("CREATE TABLE patient (id TEXT, name TEXT)")
        con.execute("INSERT INTO patient VALUES ('P-004711', 'YAMADA TARO')")
        con.commit()
        con.close()
        return open(path, "rb").read()

size = os.path.getsize(dev) if os.path.isfile(dev) else int(open(
    "/sys/class/block/%s/size" % os.path.basename(dev)).read()) * 512
blocks = size // 512
used = []
with open(dev, "r+b") as f:
    for name, data in (("DICOM", dicom()), ("HL7", hl7()), ("SQLite", sqlite_db())):
        count = (len(data) + 511) // 512
        while True:
            lba = rng.randrange(16, blocks - count - 16)
            if all(lba + count + 8 < a or lba > a + c + 8 for a, c in used):
                break
        used.append((lba, count))
        f.seek(lba * 512)
        f.write(data + b"\0" * (count * 512 - len(data)))
        print(name, lba, count)
    f.flush()
    os.fsync(f.fileno())
