//! Who claims a name in one plan: cluster names in the region, node pool
//! names in a cluster. The service refuses a second object with a name in
//! use, so two claims on one name fail the apply half-way; the plan
//! registry refuses them at plan time instead.
//!
//! Terraform plans each resource instance once per process, with one
//! exception: a replacement is planned first with its prior state (and
//! `requires_replace`), then again as a create. The first plan *releases*
//! the old object's name, which the second takes over, so a replacement is
//! never its own duplicate.

use std::collections::HashMap;

use tfplugin::{AttributePath, Diagnostic};

/// What holds a name in the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Holder {
    /// An existing object, by ID, planned with this name (kept or renamed to it).
    Existing(String),
    /// A new object planned in this run.
    New,
    /// The new object replacing the existing one with this ID.
    Replacement(String),
}

/// Why a planned name cannot be had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Taken {
    /// Another resource of this plan claims it too.
    InPlan(Holder),
    /// An object that exists has it (ID), and this plan does not replace it.
    Exists(String),
}

/// The claims on names within one scope (a region, a cluster).
#[derive(Debug, Default)]
pub struct NameClaims {
    holders: HashMap<String, Vec<Holder>>,
    /// Names released by objects this plan replaces: name → IDs.
    released: HashMap<String, Vec<String>>,
}

impl NameClaims {
    /// Records the plan of an existing object `id` named `name`. When it is
    /// replaced, the name passes to its replacement (planned next).
    pub fn existing(&mut self, name: &str, id: &str, replaced: bool) -> Result<(), Taken> {
        if replaced {
            let released = self.released.entry(name.to_owned()).or_default();
            if !released.iter().any(|r| r == id) {
                released.push(id.to_owned());
            }
            return Ok(());
        }
        self.claim(name, Holder::Existing(id.to_owned()))
    }

    /// Records the plan of a new object named `name`: the replacement of an
    /// object that released the name, or a new one.
    pub fn new_object(&mut self, name: &str) -> Result<Holder, Taken> {
        let holder = match self.released.get_mut(name).and_then(Vec::pop) {
            Some(id) => Holder::Replacement(id),
            None => Holder::New,
        };
        self.claim(name, holder.clone())?;
        Ok(holder)
    }

    fn claim(&mut self, name: &str, holder: Holder) -> Result<(), Taken> {
        let holders = self.holders.entry(name.to_owned()).or_default();
        if holders.contains(&holder) && holder != Holder::New {
            return Ok(());
        }
        let other = holders.iter().find(|h| **h != holder || **h == Holder::New);
        if let Some(other) = other {
            return Err(Taken::InPlan(other.clone()));
        }
        holders.push(holder);
        Ok(())
    }

    /// The new object planned with `name` was created as `id`: its claim is
    /// now that object's, so that its later plans (an update, in a client
    /// such as Pulumi's bridge that plans and applies in one process) are
    /// not taken for a second object.
    pub fn created(&mut self, name: &str, id: &str) {
        if let Some(holders) = self.holders.get_mut(name) {
            let planned = holders
                .iter()
                .position(|h| matches!(h, Holder::New) || *h == Holder::Replacement(id.to_owned()));
            let planned = planned.or_else(|| {
                holders
                    .iter()
                    .position(|h| matches!(h, Holder::Replacement(_)))
            });
            if let Some(i) = planned {
                holders.remove(i);
            }
        }
        let _ = self.claim(name, Holder::Existing(id.to_owned()));
    }

    /// Forgets an object's claims (it was destroyed or created under an ID).
    pub fn forget(&mut self, name: &str, holder: &Holder) {
        if let Some(holders) = self.holders.get_mut(name) {
            if let Some(i) = holders.iter().position(|h| h == holder) {
                holders.remove(i);
            }
        }
    }

    /// Whether a new object named `name` (holding it as `holder`) collides
    /// with an object that exists: `existing` lists the scope's objects as
    /// (ID, current name). The object a replacement replaces does not count.
    pub fn check_existing<'a>(
        name: &str,
        holder: &Holder,
        existing: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<(), Taken> {
        let exempt = match holder {
            Holder::Replacement(id) | Holder::Existing(id) => Some(id.as_str()),
            Holder::New => None,
        };
        match existing
            .into_iter()
            .find(|(id, n)| *n == name && Some(*id) != exempt)
        {
            Some((id, _)) => Err(Taken::Exists(id.to_owned())),
            None => Ok(()),
        }
    }
}

impl Taken {
    /// The refusal, for a `kind` ("cluster", "node pool") named `name` in
    /// `scope` ("the region", "cluster \"x\""), at the `name` attribute.
    pub fn diagnostic(&self, kind: &str, name: &str, scope: &str) -> Diagnostic {
        let why = match self {
            Taken::InPlan(Holder::New) => {
                format!("Another resource of this configuration also creates a {kind} named {name:?} in {scope}.")
            }
            Taken::InPlan(Holder::Existing(id)) => format!(
                "Another resource of this configuration manages {kind} {id}, which is planned with the name {name:?} in {scope}."
            ),
            Taken::InPlan(Holder::Replacement(id)) => format!(
                "Another resource of this configuration replaces {kind} {id} by a new one named {name:?} in {scope}."
            ),
            Taken::Exists(id) => format!(
                "A {kind} named {name:?} already exists in {scope} ({id}), and this plan does not replace it."
            ),
        };
        let what = match self {
            Taken::Exists(_) => format!(
                "Choose another name, or bring the existing {kind} under this resource with `terraform import`."
            ),
            Taken::InPlan(_) => "Give each one its own name.".to_owned(),
        };
        Diagnostic::error(
            format!("The {kind} name {name:?} is already taken"),
            format!(
                "{why} The ACK API refuses a second {kind} with a name in use, so the apply would fail half-way. {what}"
            ),
        )
        .at(AttributePath::attr("name"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_new_objects_with_one_name_collide() {
        let mut c = NameClaims::default();
        assert_eq!(c.new_object("a"), Ok(Holder::New));
        assert_eq!(c.new_object("a"), Err(Taken::InPlan(Holder::New)));
        assert_eq!(c.new_object("b"), Ok(Holder::New));
    }

    #[test]
    fn a_replacement_takes_over_the_name_it_released() {
        let mut c = NameClaims::default();
        c.existing("a", "c-1", true).unwrap();
        assert_eq!(c.new_object("a"), Ok(Holder::Replacement("c-1".into())));
        // …once: another new object with the name collides.
        assert!(c.new_object("a").is_err());
        let listing = [("c-1", "a")];
        assert!(
            NameClaims::check_existing("a", &Holder::Replacement("c-1".into()), listing).is_ok()
        );
        assert_eq!(
            NameClaims::check_existing("a", &Holder::New, listing),
            Err(Taken::Exists("c-1".into()))
        );
    }

    #[test]
    fn an_existing_object_and_a_new_one_collide_in_either_order() {
        let mut c = NameClaims::default();
        c.existing("a", "c-1", false).unwrap();
        assert_eq!(
            c.new_object("a"),
            Err(Taken::InPlan(Holder::Existing("c-1".into())))
        );
        let mut c = NameClaims::default();
        c.new_object("a").unwrap();
        assert_eq!(
            c.existing("a", "c-1", false),
            Err(Taken::InPlan(Holder::New))
        );
        // Two existing objects renamed to one name.
        let mut c = NameClaims::default();
        c.existing("a", "c-1", false).unwrap();
        c.existing("a", "c-1", false).unwrap();
        assert!(c.existing("a", "c-2", false).is_err());
    }

    #[test]
    fn a_created_object_holds_its_name_by_id() {
        let mut c = NameClaims::default();
        c.new_object("a").unwrap();
        c.created("a", "c-9");
        assert!(c.existing("a", "c-9", false).is_ok(), "its own update");
        assert!(c.new_object("a").is_err(), "another new one still collides");
    }

    #[test]
    fn forgetting_frees_the_name() {
        let mut c = NameClaims::default();
        c.new_object("a").unwrap();
        c.forget("a", &Holder::New);
        assert!(c.new_object("a").is_ok());
    }
}
