//! Test support shared by the runtime tests: the scripted server lives in
//! `graphgen-testkit`; this file keeps a hand-written `addActivities`-shaped operation.

#![allow(dead_code)]

pub use graphgen_testkit::*;

/// A test `Operation`/`BatchOperation` shaped like `addActivities`.
pub mod op {
    use graphgen_runtime::batch::{BatchOperation, BatchOutcome, ItemResult};
    use graphgen_runtime::edm::DateTimeOffset;
    use graphgen_runtime::http::{HeaderMap, Method, StatusCode};
    use graphgen_runtime::{Cloud, Clouds, Error, Operation, PathBuilder};
    use serde::{Deserialize, Serialize};

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Activity {
        #[serde(rename = "@odata.type")]
        pub odata_type: String,
        #[serde(rename = "type")]
        pub kind: String,
        pub start_date_time: DateTimeOffset,
        pub performed_by: Identity,
    }

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct Identity {
        #[serde(rename = "type")]
        pub kind: String,
        pub id: String,
    }

    #[derive(Debug, Clone, PartialEq, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct ActivityResult {
        #[serde(rename = "type")]
        pub kind: String,
        pub start_date_time: DateTimeOffset,
        pub performed_by: Option<Identity>,
        pub error: Option<PublicError>,
    }

    #[derive(Debug, Clone, PartialEq, Deserialize)]
    pub struct PublicError {
        pub code: String,
        pub message: String,
    }

    impl ItemResult<Activity> for ActivityResult {
        type Error = PublicError;
        fn item_error(&self) -> Option<&PublicError> {
            self.error.as_ref()
        }
        fn echoes(&self, item: &Activity) -> bool {
            self.kind == item.kind
                && self.start_date_time == item.start_date_time
                && match &self.performed_by {
                    Some(p) => *p == item.performed_by,
                    None => true,
                }
        }
    }

    pub fn activity(i: usize) -> Activity {
        Activity {
            odata_type: "#microsoft.graph.externalConnectors.externalActivity".into(),
            kind: "viewed".into(),
            start_date_time: DateTimeOffset::new(format!(
                "2021-04-06T18:04:{:02}.{:03}Z",
                i % 60,
                i
            ))
            .unwrap(),
            performed_by: Identity {
                kind: "user".into(),
                id: "1f0c997e-99f7-43f1-8cee-05e5e5e5e5e5".into(),
            },
        }
    }

    /// The JSON result for `a`, failed with `error` if given.
    pub fn result_json(a: &Activity, error: Option<(&str, &str)>) -> serde_json::Value {
        let mut v = serde_json::json!({
            "@odata.type": "#microsoft.graph.externalConnectors.externalActivityResult",
            "type": a.kind,
            "startDateTime": a.start_date_time,
            "performedBy": a.performed_by,
        });
        if let Some((code, message)) = error {
            v["error"] = serde_json::json!({"code": code, "message": message});
        }
        v
    }

    #[derive(Debug, Clone)]
    pub struct AddActivities {
        pub connection_id: String,
        pub item_id: String,
        pub activities: Vec<Activity>,
    }

    #[derive(Serialize)]
    struct Body<'a> {
        activities: &'a [Activity],
    }

    #[derive(Deserialize)]
    struct Results {
        value: Vec<ActivityResult>,
    }

    impl Operation for AddActivities {
        type Output = BatchOutcome<Activity, ActivityResult>;
        fn name(&self) -> &'static str {
            "microsoft.graph.externalConnectors.addActivities"
        }
        fn method(&self) -> Method {
            Method::POST
        }
        fn availability(&self) -> Clouds {
            Clouds::of(&[Cloud::Global, Cloud::UsGovL4, Cloud::UsGovL5])
        }

        fn path(&self) -> Result<String, Error> {
            PathBuilder::new()
                .segment("external")
                .segment("connections")
                .key(&self.connection_id)
                .segment("items")
                .key(&self.item_id)
                .segment("addActivities")
                .finish()
        }

        fn body(&self) -> Result<Option<Vec<u8>>, Error> {
            serde_json::to_vec(&Body {
                activities: &self.activities,
            })
            .map(Some)
            .map_err(Error::Encode)
        }

        fn parse_response(
            self,
            status: StatusCode,
            _headers: &HeaderMap,
            body: &[u8],
        ) -> Result<Self::Output, Error> {
            let results = if body.is_empty() {
                Vec::new()
            } else {
                serde_json::from_slice::<Results>(body)
                    .map_err(|e| Error::decode(status, e))?
                    .value
            };
            Ok(BatchOutcome::pair(status, self.activities, results))
        }
    }

    impl BatchOperation for AddActivities {
        type Item = Activity;
        type Result = ActivityResult;
        const MAX_ITEMS: usize = 20;
        fn items(&self) -> &[Activity] {
            &self.activities
        }
        fn with_items(&self, items: Vec<Activity>) -> Self {
            AddActivities {
                connection_id: self.connection_id.clone(),
                item_id: self.item_id.clone(),
                activities: items,
            }
        }
    }

    pub fn add(n: usize) -> AddActivities {
        AddActivities {
            connection_id: "contosohr".into(),
            item_id: "TSP228082938".into(),
            activities: (0..n).map(activity).collect(),
        }
    }

    /// `{"value":[...]}` echoing `activities`, failing those in `failed`.
    pub fn results_body(activities: &[Activity], failed: &[usize]) -> String {
        let value: Vec<_> = activities
            .iter()
            .enumerate()
            .map(|(i, a)| {
                result_json(
                    a,
                    failed
                        .contains(&i)
                        .then_some(("InvalidRequest", "The activity is bad.")),
                )
            })
            .collect();
        serde_json::json!({ "value": value }).to_string()
    }
}
