//! Creating an object exactly once, for clusters and node pools alike.
//!
//! The request carries an idempotency token (a tag). Once sent, a create is
//! never abandoned: Terraform's cancellation is honoured between attempts
//! only. After an ambiguous failure (5xx, no answer), a refusal that may be
//! our own earlier attempt (a name already taken), or a cancellation after
//! the first attempt, the token is looked up before anything else, for a
//! bounded time that never passes the client's deadline, so that the new
//! object's ID is never lost and no second object is made.

use std::future::Future;

use ack_api::model::{Tag, TaskResponse};
use ack_api::request::ApiRequest;
use tokio_util::sync::CancellationToken;

use super::reads::Changes;
use super::{decode, Client, Error, Result, CREATE_TOKEN_TAG};

/// Sets the idempotency tag to `token` in a create's tags.
pub(crate) fn tag_token(tags: &mut Vec<Tag>, token: &str) {
    tags.retain(|t| t.key != CREATE_TOKEN_TAG);
    tags.push(Tag {
        key: CREATE_TOKEN_TAG.into(),
        value: token.into(),
    });
}

/// What distinguishes one kind of create.
pub(crate) struct CreateKind<'a> {
    /// The API action, for errors (`CreateCluster`).
    pub action: &'static str,
    /// The new object's ID in the service's answer.
    pub id: fn(TaskResponse) -> Option<String>,
    /// A refusal that may be our own earlier attempt, e.g. the name taken.
    pub maybe_ours: Option<&'a str>,
}

impl Client {
    /// Sends `api` until it is answered, then returns the new object's ID and
    /// task. Every attempt is recorded against the listing it `changes` (for
    /// read-your-writes); `lookup` finds
    /// the object carrying our token, with the client and cancellation it is
    /// given (bounded cleanup, never Terraform's).
    pub(crate) async fn create_once<L, Fut>(
        &self,
        api: &ApiRequest,
        kind: CreateKind<'_>,
        cancel: &CancellationToken,
        changes: Changes<'_>,
        lookup: L,
    ) -> Result<(String, Option<String>)>
    where
        L: Fn(Client, CancellationToken) -> Fut,
        Fut: Future<Output = Result<Option<String>>>,
    {
        let mut attempt = 0;
        let mut delays = self.delays();
        loop {
            let result = self.send_create(api, cancel).await;
            self.wrote(changes);
            let err = match result {
                Ok(bytes) => {
                    let r: TaskResponse = decode(api, &bytes)?;
                    let task = Some(r.task_id.clone()).filter(|t| !t.is_empty());
                    let id = (kind.id)(r).ok_or_else(|| {
                        Error::Decode(format!("{} returned no object ID", kind.action))
                    })?;
                    return Ok((id, task));
                }
                Err(e) => e,
            };
            let unsure = err.is_ambiguous()
                || (kind.maybe_ours.is_some() && err.code() == kind.maybe_ours)
                || (attempt > 0 && err == Error::Cancelled);
            if !unsure {
                return Err(err);
            }
            attempt += 1;
            // Give the service a moment to show the object; a wait that
            // would pass the deadline is skipped, the look-up still runs.
            let _ = self
                .pause(cancel, delays.next_wait(), kind.action, Some(&err))
                .await;
            let (client, never) = self.for_cleanup();
            if let Some(id) = lookup(client, never).await? {
                return Ok((id, None));
            }
            if !err.is_ambiguous() || cancel.is_cancelled() || !self.may_retry(attempt) {
                return Err(err);
            }
        }
    }
}
