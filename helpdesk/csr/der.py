"""A minimal DER encoder for the few ASN.1 types PKCS#8 encryption needs."""

from __future__ import annotations


def encode_length(length: int) -> bytes:
    if length < 0x80:
        return bytes([length])
    octets = length.to_bytes((length.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(octets)]) + octets


def tlv(tag: int, content: bytes) -> bytes:
    return bytes([tag]) + encode_length(len(content)) + content


def sequence(*items: bytes) -> bytes:
    return tlv(0x30, b"".join(items))


def octet_string(content: bytes) -> bytes:
    return tlv(0x04, content)


def null() -> bytes:
    return b"\x05\x00"


def integer(value: int) -> bytes:
    if value < 0:
        raise ValueError("only non-negative integers are supported")
    # One extra byte keeps the sign bit clear, as DER two's complement needs.
    content = value.to_bytes(value.bit_length() // 8 + 1, "big")
    return tlv(0x02, content)


def object_identifier(dotted: str) -> bytes:
    arcs = [int(arc) for arc in dotted.split(".")]
    content = bytearray([40 * arcs[0] + arcs[1]])
    for arc in arcs[2:]:
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        content.extend(reversed(chunk))
    return tlv(0x06, bytes(content))
