//! What an apply run is allowed to do.

/// Gates for the changes that lose data.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApplyOptions {
    /// Execute `delete` changes (resources listed under `removed:`).
    pub allow_delete: bool,
    /// Execute destructive `replace` changes (a connection rename deletes its users).
    pub allow_replace: bool,
}
