//! Management API client against small scripted servers that replay Auth0-shaped conversations.

mod conversations;
mod paging;
mod scripted;
