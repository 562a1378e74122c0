//! Executing a plan: the changes in the plan's order, only the fields that changed, with the
//! safety checks done before the first write and creates that survive a lost response.
//!
//! [`execute`] is the entry point (`executor.rs`). It refuses, before any request that writes,
//! a plan that carries refusals, touches tenantform's own client or its grants, the global
//! client or a system grant, replaces without `allow_replace`, deletes without `allow_delete`,
//! deletes a user, or needs a secret the environment does not hold. Then it hands each change to
//! the step of its kind, one file per kind as in `tenantform_core::plan::diff`
//! (`applications`, `api`, `grants`, `connections`, `tenant_settings`, `email_provider`,
//! `email_templates`, `actions`, `bindings`, `users`, and `removed` for deletes). A failure
//! does not stop the run: only the changes that depend on the failed one (`dependencies`) are
//! skipped, and the report lists what was applied, what failed and what was skipped because
//! of what.
//!
//! A POST whose outcome is unknown (timeout, dropped connection, 5xx) may have created the
//! resource: before sending it again, the step looks the resource up by its stable name
//! (clients by name, APIs by identifier, grants by client and audience, connections, actions and templates by name,
//! users by email) and adopts what it finds, so neither a retry nor the next run duplicates it.
//!
//! [`workflow`] is what the `apply` command does around it: plan or check a saved plan, show,
//! confirm, execute with progress, verify by planning again. The command runs all of that
//! holding the tenant's apply lock ([`lock`]), so concurrent applies take turns, and
//! [`duplicates`] resolves same-named applications that earlier concurrent runs left.

mod actions;
mod api;
mod applications;
mod bindings;
mod bodies;
mod connections;
mod create;
mod dependencies;
pub mod duplicates;
mod email_provider;
mod email_templates;
mod executor;
mod grants;
pub mod lock;
mod options;
mod removed;
mod report;
mod run;
mod safety;
mod secrets;
mod tenant_settings;
mod users;
pub mod workflow;

pub use executor::execute;
pub use options::ApplyOptions;
pub use report::{ApplyError, ApplyEvent, ApplyReport, Failure, Skipped, Ticket};
pub use safety::{Protected, refusals};
pub use secrets::missing_secrets;
