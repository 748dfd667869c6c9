//! `SSO_TRUSTED_PROXIES`: address ranges such as `10.0.0.0/8`, `127.0.0.2/32` or `fd00::/8`.

use std::net::IpAddr;

use ipnet::IpNet;

/// An address range (ipnet's), which an IPv4 peer on a dual-stack socket also matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr(IpNet);

impl Cidr {
    /// A bare address means that address alone.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        match raw.split_once('/') {
            None => raw.parse::<IpAddr>().map(|ip| Self(IpNet::from(ip))).map_err(|_| not_a_range(raw)),
            Some((addr, prefix)) => {
                let ip: IpAddr = addr.parse().map_err(|_| not_a_range(raw))?;
                let max = if ip.is_ipv4() { 32 } else { 128 };
                let prefix = prefix.parse::<u8>().ok().filter(|p| *p <= max).ok_or_else(|| format!("'{raw}': the prefix must be 0 to {max}"))?;
                IpNet::new(ip, prefix).map(Self).map_err(|_| not_a_range(raw))
            }
        }
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        // An IPv4 peer on a dual-stack socket arrives as ::ffff:a.b.c.d.
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
            v4 => v4,
        };
        self.0.contains(&ip)
    }
}

fn not_a_range(raw: &str) -> String {
    format!("'{raw}' is not an address range such as 10.0.0.0/8")
}

pub fn parse_list(raw: &str) -> Result<Vec<Cidr>, String> {
    raw.split([',', ' ']).filter(|s| !s.trim().is_empty()).map(Cidr::parse).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn ranges() {
        let lan = Cidr::parse("10.0.0.0/8").unwrap();
        assert!(lan.contains(ip("10.200.1.1")));
        assert!(!lan.contains(ip("11.0.0.1")));
        assert!(lan.contains(ip("::ffff:10.1.2.3")), "v4-mapped peers count as v4");
        let one = Cidr::parse("127.0.0.2").unwrap();
        assert!(one.contains(ip("127.0.0.2")) && !one.contains(ip("127.0.0.1")));
        let v6 = Cidr::parse("fd00::/8").unwrap();
        assert!(v6.contains(ip("fd12::1")) && !v6.contains(ip("fe80::1")));
        assert!(Cidr::parse("0.0.0.0/0").unwrap().contains(ip("8.8.8.8")));
        assert!(Cidr::parse("10.0.0.0/33").is_err());
        assert!(Cidr::parse("example.com").is_err());
        assert_eq!(parse_list("10.0.0.0/8, 127.0.0.2").unwrap().len(), 2);
    }
}
