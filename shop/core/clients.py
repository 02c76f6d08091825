"""Who is calling, as far as the network tells: the key of a client address for per-client limits.

Used by the login throttle (``shop.accounts``) and the cap on unpaid orders (``shop.checkout``).
The address is the one Flask sees (``request.remote_addr``); behind reverse proxies it is only the
client's own when ``PROXY_COUNT`` says how many to believe.
"""
from __future__ import annotations

import ipaddress


def client_network(address: str | None) -> str | None:
    """The key of a client address: the IPv4 address, or the IPv6 /64 (None when there is no address).

    One subscriber usually holds a whole IPv6 /64, so counting single IPv6 addresses would
    let one client step around a limit by rotating through its own network. An IPv4-mapped
    IPv6 address is its IPv4 address; a zone index (``%eth0``) is dropped; something that is
    not an address at all is kept as it came, cut to 64 characters.
    """
    if not address:
        return None
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return address[:64]
    if ip.version == 6 and ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)
