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
}
