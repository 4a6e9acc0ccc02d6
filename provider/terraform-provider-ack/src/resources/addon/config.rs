//! Reading an addon's configuration back: the service may answer with its
//! own defaults added and in its own spelling. What the state keeps is the
//! configuration as written whenever the service's means the same for the
//! keys it sets, so that neither key order, whitespace nor server-side
//! defaults plan a diff; a key whose value changed outside Terraform shows.

use ack_api::addons::{self, AddonError};
use serde_json::Value as Json;
use tfplugin::Diagnostic;

/// The configuration to store for the service's `server` configuration,
/// given the stored `prior` one (`None`: keep the service's whole one).
pub fn read_back(server: &str, prior: Option<&str>) -> Result<String, AddonError> {
    let server = addons::normalise_config(server)?;
    let Some(prior) = prior else {
        return Ok(server);
    };
    let Ok(wanted) = addons::normalise_config(prior) else {
        return Ok(server);
    };
    if wanted == server {
        return Ok(prior.to_owned());
    }
    // Only the keys the configuration sets are compared.
    let parse =
        |s: &str| serde_json::from_str::<Json>(s).map_err(|e| AddonError::Config(e.to_string()));
    let (wanted_v, server_v) = (parse(&wanted)?, parse(&server)?);
    let (Some(keys), Some(have)) = (wanted_v.as_object(), server_v.as_object()) else {
        return Ok(server);
    };
    let projected: serde_json::Map<String, Json> = keys
        .keys()
        .filter_map(|k| have.get(k).map(|v| (k.clone(), v.clone())))
        .collect();
    let projected = addons::normalise_config(&Json::Object(projected).to_string())?;
    if projected == wanted {
        Ok(prior.to_owned())
    } else {
        Ok(projected)
    }
}

/// The refresh keeps the state when the service's configuration cannot be
/// read, and says so.
pub fn unreadable(name: &str, e: &AddonError) -> Diagnostic {
    Diagnostic::warning(
        "Unreadable addon configuration",
        format!(
            "The configuration of addon {name} is not a JSON object ({e}); the state keeps the configuration it had. Apply to overwrite it, or check the addon in the console."
        ),
    )
}
