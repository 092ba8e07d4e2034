"""What the MFA integration tests compute themselves, with the standard library only: RFC 6238
TOTP codes from a base32 seed, and the pixels of an 8-bit grayscale PNG.
"""
import base64
import hashlib
import hmac
import struct
import time
import zlib

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def totp(seed_b32, step):
    """The 6-digit RFC 6238 (HMAC-SHA-1, 30 s) code of time step `step`."""
    key = base64.b32decode(seed_b32)
    digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return "%06d" % (value % 1000000)


def now_step():
    return int(time.time()) // 30


def wrong(code):
    return "%06d" % ((int(code) + 1) % 1000000)


def decode_png(data):
    """(width, height, rows of gray bytes) of an 8-bit grayscale PNG, with the stdlib."""
    assert data[:8] == PNG_SIGNATURE, "not a PNG"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        crc = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])[0]
        assert zlib.crc32(kind + body) == crc, "bad CRC in %r" % kind
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, color, _, _, interlace = header
    assert (depth, color, interlace) == (8, 0, 0), header
    raw = zlib.decompress(idat)
    rows, prev, i = [], bytearray(width), 0
    for _ in range(height):
        kind, line = raw[i], bytearray(raw[i + 1:i + 1 + width])
        i += 1 + width
        for x in range(width):
            left = line[x - 1] if x else 0
            up, up_left = prev[x], (prev[x - 1] if x else 0)
            if kind == 1:
                line[x] = (line[x] + left) & 0xFF
            elif kind == 2:
                line[x] = (line[x] + up) & 0xFF
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - up_left
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - up_left)
                pred = left if pa <= pb and pa <= pc else (up if pb <= pc else up_left)
                line[x] = (line[x] + pred) & 0xFF
        rows.append(bytes(line))
        prev = line
    return width, height, rows


def looks_like_qr_code(png):
    """True when `png` (4-pixel modules, a 4-module quiet zone) shows a QR code's three finder
    patterns — a dark ring, a light ring, a dark 3×3 center — and a light quiet zone."""
    width, height, rows = decode_png(png)
    modules = width // 4
    if width != height or width % 4:
        return False

    def dark(mx, my):
        return rows[my * 4 + 1][mx * 4 + 1] < 128

    for ox, oy in ((4, 4), (modules - 11, 4), (4, modules - 11)):
        for y in range(7):
            for x in range(7):
                if dark(ox + x, oy + y) != (min(x, y, 6 - x, 6 - y) != 1):
                    return False
    return not any(dark(x, 0) or dark(0, x) for x in range(modules))
