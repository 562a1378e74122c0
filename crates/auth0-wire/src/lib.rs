//! What tenantform and its emulator both know about Auth0's Management API: the scope
//! catalogue of the system "Auth0 Management API" resource server (and, as the wire layer
//! grows, each resource as the API sends it with Auth0's create defaults).

pub mod scopes;
