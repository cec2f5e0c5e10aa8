//! National clouds: which input label describes which cloud.

use crate::error::{Error, ErrorKind, Result};
use crate::model::Availability;

/// The clouds the runtime knows, in the order docs list them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Cloud {
    Global,
    UsGovL4,
    UsGovL5,
    China,
}

pub const ALL: [Cloud; 4] = [Cloud::Global, Cloud::UsGovL4, Cloud::UsGovL5, Cloud::China];

impl Cloud {
    pub fn display(self) -> &'static str {
        match self {
            Cloud::Global => "global",
            Cloud::UsGovL4 => "US Gov L4",
            Cloud::UsGovL5 => "US Gov L5 (DoD)",
            Cloud::China => "China (21Vianet)",
        }
    }

    /// The variant of `graphgen_runtime::Cloud`.
    pub fn variant(self) -> &'static str {
        match self {
            Cloud::Global => "Global",
            Cloud::UsGovL4 => "UsGovL4",
            Cloud::UsGovL5 => "UsGovL5",
            Cloud::China => "China",
        }
    }
}

/// The clouds one input label describes. The US Government document serves
/// both L4 and L5 (DoD).
pub fn clouds_of_label(label: &str) -> Result<&'static [Cloud]> {
    Ok(match label {
        "global" => &[Cloud::Global],
        "usgov" => &[Cloud::UsGovL4, Cloud::UsGovL5],
        "usgov-l4" => &[Cloud::UsGovL4],
        "usgov-l5" => &[Cloud::UsGovL5],
        "china" => &[Cloud::China],
        other => {
            return Err(Error::new(
                ErrorKind::Usage,
                format!(
                "unknown cloud label `{other}` (known: global, usgov, usgov-l4, usgov-l5, china)"
            ),
            ))
        }
    })
}

/// What the inputs say about one element, per cloud.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloudSet {
    /// Clouds whose metadata has the element.
    pub present: Vec<Cloud>,
    /// Clouds whose metadata was read and lacks it.
    pub absent: Vec<Cloud>,
    /// Clouds no input describes.
    pub unknown: Vec<Cloud>,
}

impl CloudSet {
    pub fn new(availability: &Availability, labels: &[String]) -> Result<Self> {
        let mut described = Vec::new();
        let mut present = Vec::new();
        for label in labels {
            let clouds = clouds_of_label(label)?;
            described.extend_from_slice(clouds);
            if availability.contains(label) {
                present.extend_from_slice(clouds);
            }
        }
        let absent = ALL
            .iter()
            .copied()
            .filter(|c| described.contains(c) && !present.contains(c))
            .collect();
        let unknown = ALL
            .iter()
            .copied()
            .filter(|c| !described.contains(c))
            .collect();
        present.sort();
        present.dedup();
        Ok(CloudSet {
            present,
            absent,
            unknown,
        })
    }

    /// Whether some cloud that has `owner` lacks this element: then its docs
    /// say where it is, else the owner's line says it all.
    pub fn narrower_than(&self, owner: &CloudSet) -> bool {
        owner.present.iter().any(|c| !self.present.contains(c))
    }

    /// The clouds a call may go to: where the metadata has it, and where no
    /// metadata was read (not checked, so not refused).
    pub fn allowed(&self) -> Vec<Cloud> {
        let mut v: Vec<Cloud> = self.present.iter().chain(&self.unknown).copied().collect();
        v.sort();
        v
    }

    /// One doc line: "Available in: global, US Gov L4. Not in: China."
    pub fn doc_line(&self) -> String {
        let list = |v: &[Cloud]| v.iter().map(|c| c.display()).collect::<Vec<_>>().join(", ");
        let mut s = String::new();
        if !self.present.is_empty() {
            s.push_str(&format!("Available in: {}.", list(&self.present)));
        }
        if !self.absent.is_empty() {
            s.push_str(&format!(" Not in: {}.", list(&self.absent)));
        }
        if !self.unknown.is_empty() {
            s.push_str(&format!(
                " Not checked (no metadata read): {}.",
                list(&self.unknown)
            ));
        }
        s.trim().to_string()
    }
}
