//! Social connections (`strategy: google-oauth2`, ...): the invite-only posture check, and
//! what validation refuses on them.

mod posture;
