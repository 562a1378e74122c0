//! Executing a plan: the changes in the plan's order, only the fields that changed, with the
//! safety checks done before the first write and creates that survive a lost response.
//!
//! [`execute`] is the entry point. It refuses, before any request that writes, a plan that
//! carries refusals, touches tenantform's own client or its grants, the global client or a
//! system grant, replaces without `allow_replace`, deletes without `allow_delete`, deletes a
//! user, or needs a secret the environment does not hold. Then it runs the changes one by one
//! and stops at the first failure, reporting what was applied, what failed and what is pending.
//!
//! A POST whose outcome is unknown (timeout, dropped connection, 5xx) may have created the
//! resource: before sending it again, the executor looks the resource up by its stable name
//! (clients by name, grants by client and audience, connections, actions and templates by name,
//! users by email) and adopts what it finds, so neither a retry nor the next run duplicates it.

mod bodies;
mod create;
mod executor;
mod options;
mod report;
mod safety;
mod secrets;

pub use executor::execute;
pub use options::ApplyOptions;
pub use report::{ApplyError, ApplyEvent, ApplyReport, Failure, Ticket};
pub use safety::{Protected, refusals};
pub use secrets::missing_secrets;
