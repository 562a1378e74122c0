//! Custom APIs (`apis:`) and grants to them: the issue-15 example round trip through two
//! empty tenants, and the export of a grant to an API set up through the raw API.

mod round_trip;
mod update_delete;
