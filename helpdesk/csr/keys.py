"""Key types the desk offers, the rule that checks the choice, and key generation."""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric import ec, rsa

from helpdesk.csr.findings import N_, Finding, error

# (key_type, key_size, English label) in the order the inquiry template offers
# them. Each label starts with key_display_name(key_type, key_size). RSA 1024
# is listed because the customer template offers it, but the key rule rejects
# it.
KEY_CHOICES: list[tuple[str, int, str]] = [
    ("RSA", 2048, N_("RSA 2048 (recommended)")),
    ("RSA", 3072, N_("RSA 3072")),
    ("RSA", 4096, N_("RSA 4096")),
    ("EC", 256, N_("ECDSA P-256")),
    ("EC", 384, N_("ECDSA P-384")),
    ("RSA", 1024, N_("RSA 1024 (not accepted by public CAs)")),
]

DEFAULT_KEY = ("RSA", 2048)
ACCEPTED_KEYS = frozenset(
    {("RSA", 2048), ("RSA", 3072), ("RSA", 4096), ("EC", 256), ("EC", 384)}
)
EC_CURVES = {256: ec.SECP256R1, 384: ec.SECP384R1}
CURVE_SIZES = {"secp256r1": 256, "secp384r1": 384}


def key_label(key_type: str, key_size: int) -> str:
    """Return the key choice written the way suggestions spell it, e.g. RSA-2048.

    This is the stored and posted form; show users key_display_name instead.
    """
    return f"{key_type}-{key_size}"


def key_display_name(key_type: str, key_size: int) -> str:
    """Return the key as users read it: "RSA 2048" or "ECDSA P-256"."""
    if key_type == "EC":
        return f"ECDSA P-{key_size}"
    if not key_size:
        return key_type
    return f"{key_type} {key_size}"


def key_label_display_name(label: str) -> str:
    """Return a key_label value such as "RSA-2048" as key_display_name writes it.

    Any other text, such as a value typed into an old ticket, is returned as is.
    """
    key_type, _, size = label.partition("-")
    if key_type not in ("RSA", "EC") or not size.isascii() or not size.isdigit():
        return label
    return key_display_name(key_type, int(size))


def check_key(key_type: str, key_size: int) -> list[Finding]:
    """Check a key type and size against what public CAs accept.

    The suggestion, when there is one, is a key label like "RSA-2048".
    """
    label = key_label(key_type, key_size)
    if (key_type, key_size) in ACCEPTED_KEYS:
        return []
    if key_type == "RSA" and key_size < 2048:
        return [
            error(
                "key",
                label,
                N_(
                    "An RSA key of %(size)s bits is too weak: public CAs have "
                    "refused RSA keys under 2048 bits since 2014. Choose RSA "
                    "2048 bits."
                ),
                size=key_size,
                suggestion=key_label(*DEFAULT_KEY),
            )
        ]
    return [
        error(
            "key",
            label,
            N_(
                "The key “%(value)s” is not offered. Choose RSA 2048, 3072 or "
                "4096 bits, or ECDSA P-256 or P-384."
            ),
            suggestion=key_label(*_closest_key(key_type, key_size)),
        )
    ]


def _closest_key(key_type: str, key_size: int) -> tuple[str, int]:
    if key_type == "EC":
        return ("EC", 384) if key_size > 384 else ("EC", 256)
    if key_type == "RSA" and key_size > 4096:
        return "RSA", 4096
    return DEFAULT_KEY


def generate_private_key(
    key_type: str, key_size: int
) -> rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey:
    """Generate a new private key of an accepted type and size."""
    if (key_type, key_size) not in ACCEPTED_KEYS:
        raise ValueError(f"unsupported key {key_label(key_type, key_size)}")
    if key_type == "RSA":
        return rsa.generate_private_key(public_exponent=65537, key_size=key_size)
    return ec.generate_private_key(EC_CURVES[key_size]())
