//! Microsoft Graph national clouds.

use std::fmt;
use std::str::FromStr;

/// A Microsoft Graph national cloud deployment.
///
/// ```
/// use graphgen_runtime::Cloud;
///
/// let cloud: Cloud = "usgov-l4".parse().unwrap();
/// assert_eq!(cloud, Cloud::UsGovL4);
/// assert_eq!(cloud.graph_base_url(), "https://graph.microsoft.us/v1.0");
/// assert_eq!(cloud.login_host(), "https://login.microsoftonline.us");
/// assert_eq!(cloud.graph_scope(), "https://graph.microsoft.us/.default");
/// assert_eq!(cloud.to_string(), "usgov-l4");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Cloud {
    /// The global service (`graph.microsoft.com`).
    Global,
    /// US Government L4 (`graph.microsoft.us`).
    UsGovL4,
    /// US Government L5, DoD (`dod-graph.microsoft.us`).
    UsGovL5,
    /// China, operated by 21Vianet (`microsoftgraph.chinacloudapi.cn`).
    China,
}

impl Cloud {
    /// Every cloud, in declaration order.
    pub const ALL: &'static [Cloud] =
        &[Cloud::Global, Cloud::UsGovL4, Cloud::UsGovL5, Cloud::China];

    /// The Graph host, e.g. `https://graph.microsoft.com`.
    pub fn graph_host(self) -> &'static str {
        match self {
            Cloud::Global => "https://graph.microsoft.com",
            Cloud::UsGovL4 => "https://graph.microsoft.us",
            Cloud::UsGovL5 => "https://dod-graph.microsoft.us",
            Cloud::China => "https://microsoftgraph.chinacloudapi.cn",
        }
    }

    /// The v1.0 service root, e.g. `https://graph.microsoft.com/v1.0`.
    pub fn graph_base_url(self) -> &'static str {
        match self {
            Cloud::Global => "https://graph.microsoft.com/v1.0",
            Cloud::UsGovL4 => "https://graph.microsoft.us/v1.0",
            Cloud::UsGovL5 => "https://dod-graph.microsoft.us/v1.0",
            Cloud::China => "https://microsoftgraph.chinacloudapi.cn/v1.0",
        }
    }

    /// The Microsoft Entra ID (Azure AD) authority host.
    pub fn login_host(self) -> &'static str {
        match self {
            Cloud::Global => "https://login.microsoftonline.com",
            Cloud::UsGovL4 | Cloud::UsGovL5 => "https://login.microsoftonline.us",
            Cloud::China => "https://login.chinacloudapi.cn",
        }
    }

    /// The OAuth2 scope for app-only Graph tokens: `<graph host>/.default`.
    pub fn graph_scope(self) -> &'static str {
        match self {
            Cloud::Global => "https://graph.microsoft.com/.default",
            Cloud::UsGovL4 => "https://graph.microsoft.us/.default",
            Cloud::UsGovL5 => "https://dod-graph.microsoft.us/.default",
            Cloud::China => "https://microsoftgraph.chinacloudapi.cn/.default",
        }
    }

    /// The short name: `global`, `usgov-l4`, `usgov-l5` or `china`.
    pub fn name(self) -> &'static str {
        match self {
            Cloud::Global => "global",
            Cloud::UsGovL4 => "usgov-l4",
            Cloud::UsGovL5 => "usgov-l5",
            Cloud::China => "china",
        }
    }
}

impl fmt::Display for Cloud {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A set of [`Cloud`]s: where an operation or a path exists. `Copy`, one
/// byte, and built in `const` context, so generated code names its
/// availability as a constant.
///
/// ```
/// use graphgen_runtime::{Cloud, Clouds};
///
/// const CONNECTORS: Clouds = Clouds::of(&[Cloud::Global, Cloud::UsGovL4, Cloud::UsGovL5]);
/// assert!(CONNECTORS.contains(Cloud::UsGovL4));
/// assert!(!CONNECTORS.contains(Cloud::China));
/// let both = CONNECTORS.intersect(Clouds::of(&[Cloud::Global, Cloud::China]));
/// assert_eq!(both, Clouds::of(&[Cloud::Global]));
/// assert_eq!(format!("{both:?}"), "{Global}");
/// assert_eq!(Clouds::ALL.iter().count(), 4);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Clouds(u8);

impl Clouds {
    /// Every cloud.
    pub const ALL: Clouds = Clouds::of(Cloud::ALL);
    /// No cloud.
    pub const NONE: Clouds = Clouds(0);

    /// The set of `clouds` (duplicates are harmless).
    pub const fn of(clouds: &[Cloud]) -> Clouds {
        let mut bits = 0;
        let mut i = 0;
        while i < clouds.len() {
            bits |= Clouds::bit(clouds[i]);
            i += 1;
        }
        Clouds(bits)
    }

    const fn bit(cloud: Cloud) -> u8 {
        1 << cloud as u8
    }

    /// Whether `cloud` is in the set.
    pub const fn contains(self, cloud: Cloud) -> bool {
        self.0 & Clouds::bit(cloud) != 0
    }

    /// The clouds in both sets.
    pub const fn intersect(self, other: Clouds) -> Clouds {
        Clouds(self.0 & other.0)
    }

    /// The clouds in either set.
    pub const fn union(self, other: Clouds) -> Clouds {
        Clouds(self.0 | other.0)
    }

    /// Whether the set is empty.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The clouds in the set, in [`Cloud::ALL`] order.
    pub fn iter(self) -> impl Iterator<Item = Cloud> {
        Cloud::ALL
            .iter()
            .copied()
            .filter(move |&c| self.contains(c))
    }
}

impl fmt::Debug for Clouds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl From<Cloud> for Clouds {
    fn from(cloud: Cloud) -> Self {
        Clouds(Clouds::bit(cloud))
    }
}

/// A cloud name that [`Cloud::from_str`] does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown cloud {0:?} (expected one of global, usgov-l4, usgov-l5, china)")]
pub struct UnknownCloud(pub String);

impl FromStr for Cloud {
    type Err = UnknownCloud;

    /// Parses [`Cloud::name`] (case-insensitive).
    fn from_str(s: &str) -> Result<Self, UnknownCloud> {
        Cloud::ALL
            .iter()
            .copied()
            .find(|c| c.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| UnknownCloud(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_hosts_agree() {
        for &c in Cloud::ALL {
            assert_eq!(c.name().parse::<Cloud>().unwrap(), c);
            assert_eq!(c.graph_base_url(), format!("{}/v1.0", c.graph_host()));
            assert_eq!(c.graph_scope(), format!("{}/.default", c.graph_host()));
        }
        assert_eq!("CHINA".parse::<Cloud>().unwrap(), Cloud::China);
        assert!("usgov".parse::<Cloud>().is_err());
        assert_eq!(
            Cloud::UsGovL5.login_host(),
            "https://login.microsoftonline.us"
        );
        assert_eq!(Cloud::China.login_host(), "https://login.chinacloudapi.cn");
    }

    #[test]
    fn cloud_sets() {
        assert!(Clouds::NONE.is_empty());
        assert_eq!(Clouds::default(), Clouds::NONE);
        for &c in Cloud::ALL {
            let one = Clouds::from(c);
            assert!(one.contains(c));
            assert_eq!(one.iter().collect::<Vec<_>>(), [c]);
            assert!(Clouds::ALL.contains(c));
            assert!(!Clouds::NONE.contains(c));
            assert_eq!(Clouds::ALL.intersect(one), one);
            assert!(Clouds::ALL.intersect(one).union(Clouds::NONE) == one);
        }
        let gov = Clouds::of(&[Cloud::UsGovL5, Cloud::UsGovL4, Cloud::UsGovL4]);
        assert_eq!(
            gov.iter().collect::<Vec<_>>(),
            [Cloud::UsGovL4, Cloud::UsGovL5]
        );
        assert_eq!(format!("{gov:?}"), "{UsGovL4, UsGovL5}");
        assert_eq!(format!("{:?}", Clouds::NONE), "{}");
        assert!(gov.intersect(Clouds::of(&[Cloud::China])).is_empty());
        assert_eq!(gov.union(Clouds::from(Cloud::Global)).iter().count(), 3);
        assert_eq!(Clouds::of(Cloud::ALL), Clouds::ALL);
    }
}
