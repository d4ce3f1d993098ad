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

/// Checks an absolute `https` URL (or `http` to a loopback host) and explains what is wrong:
/// scheme, no user info, a well-formed host (a name, an IPv4 address or a bracketed IPv6
/// address) and an optional port from 1 to 65535.
///
/// # Errors
///
/// A sentence saying what to fix.
pub fn check_callback_url(url: &str) -> Result<(), &'static str> {
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("must not contain spaces or control characters");
    }
    let (scheme, rest) = url.split_once("://").ok_or("must be an absolute https:// URL")?;
    let secure = if scheme.eq_ignore_ascii_case("https") {
        true
    } else if scheme.eq_ignore_ascii_case("http") {
        false
    } else {
        return Err("must be an absolute https:// URL");
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return Err("must not carry a user name or password");
    }
    let (host, port) = if let Some(bracketed) = authority.strip_prefix('[') {
        let (v6, after) = bracketed.split_once(']').ok_or("has an unclosed `[` in its host")?;
        if v6.parse::<Ipv6Addr>().is_err() {
            return Err("has an invalid IPv6 address");
        }
        let port = match after {
            "" => None,
            _ => Some(after.strip_prefix(':').ok_or("has characters after its IPv6 address")?),
        };
        (&authority[..v6.len() + 2], port)
    } else {
        match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    let valid_name = !host.is_empty()
        && host
            .split('.')
            .all(|label| !label.is_empty() && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
    if !host.starts_with('[') && !valid_name {
        return Err("must name a valid host");
    }
    if let Some(port) = port
        && (!port.bytes().all(|b| b.is_ascii_digit()) || !matches!(port.parse::<u16>(), Ok(1..)))
    {
        return Err("has an invalid port (1 to 65535)");
    }
    if !secure && !is_loopback_host(host) {
        return Err("must use https (plain http is allowed only for 127.0.0.1, [::1] or localhost)");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{check_callback_url, host_of_authority, is_loopback_host};

    #[test]
    fn callback_urls_are_checked_strictly() {
        for good in [
            "https://merchant.example.com/hooks",
            "HTTPS://merchant.example.com:8443/h?x=1",
            "http://127.0.0.1:8080/hooks",
            "http://[::1]:9000/",
            "http://localhost/hook",
            "https://[2001:db8::1]/h",
        ] {
            assert_eq!(check_callback_url(good), Ok(()), "{good}");
        }
        for bad in [
            "http://example.com/hook",
            "http://localhost.evil.com/",
            "http://[::1]evil.com/",
            "http://127.0.0.1:80:evil.com/",
            "http://127.0.0.1:abc/",
            "http://127.0.0.1:99999/",
            "http://127.0.0.1:0/",
            "https://",
            "https:///path",
            "https://user:pw@example.com/",
            "ftp://example.com/",
            "example.com/hook",
            "https://exa mple.com/",
            "https://example..com/",
            "https://[zz::1]/",
            "https://[::1/",
        ] {
            assert!(check_callback_url(bad).is_err(), "{bad}");
        }
    }

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
