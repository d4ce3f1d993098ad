//! Host checks shared by the client's base URL and `webhook_url`: plain `http://` is allowed
//! only where traffic cannot leave the machine.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Whether `host` (as written in a URL, IPv6 in brackets) names this machine: `localhost`,
/// `127.0.0.0/8` or `[::1]`. Names that merely start with `localhost`, such as
/// `localhost.example.com`, are not loopback.
#[must_use]
pub fn is_loopback_host(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    if let Some(v6) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return v6.parse::<Ipv6Addr>().is_ok_and(|ip| IpAddr::V6(ip).is_loopback());
    }
    host.parse::<Ipv4Addr>().is_ok_and(|ip| ip.is_loopback())
}

/// The host part of a URL authority (`host:port`, `[::1]:port`), without the port.
#[must_use]
pub fn host_of_authority(authority: &str) -> &str {
    if authority.starts_with('[') {
        return authority.find(']').map_or(authority, |end| &authority[..=end]);
    }
    authority.split(':').next().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::{host_of_authority, is_loopback_host};

    #[test]
    fn only_true_loopback_hosts() {
        for host in ["localhost", "LOCALHOST", "127.0.0.1", "127.1.2.3", "[::1]"] {
            assert!(is_loopback_host(host), "{host}");
        }
        for host in [
            "localhost.example.com",
            "127.0.0.1.example.com",
            "example.com",
            "10.0.0.1",
            "[::2]",
            "0.0.0.0",
            "",
            "::1",
            "localhost.",
            "127.0.0.1:80",
        ] {
            assert!(!is_loopback_host(host), "{host}");
        }
    }

    #[test]
    fn splits_ports_off() {
        assert_eq!(host_of_authority("127.0.0.1:8080"), "127.0.0.1");
        assert_eq!(host_of_authority("[::1]:8080"), "[::1]");
        assert_eq!(host_of_authority("example.com"), "example.com");
    }
}
