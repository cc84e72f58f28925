//! Client addresses as throttling buckets.

use std::net::{IpAddr, Ipv6Addr};

/// The bucket an address is counted in: an IPv4 address on its own, an IPv6
/// address by its /64 (one host or home usually holds a whole /64, so
/// counting single addresses would give it 2^64 buckets). IPv4-mapped IPv6
/// addresses count as the IPv4 address.
pub fn bucket(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let prefix = u128::from(v6) & !((1u128 << 64) - 1);
                format!("{}/64", Ipv6Addr::from(prefix))
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::bucket;

    #[test]
    fn ipv6_counts_by_its_64() {
        let a = bucket("2001:db8:1:2:aaaa::1".parse().unwrap());
        assert_eq!(a, "2001:db8:1:2::/64");
        assert_eq!(a, bucket("2001:db8:1:2:ffff:1:2:3".parse().unwrap()));
        assert_ne!(a, bucket("2001:db8:1:3::1".parse().unwrap()));
        assert_eq!(bucket("::ffff:192.0.2.7".parse().unwrap()), "192.0.2.7");
        assert_eq!(bucket("192.0.2.7".parse().unwrap()), "192.0.2.7");
    }
}
